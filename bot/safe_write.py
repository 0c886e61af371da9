"""Writing files into a repository that someone else may have prepared.

A repository can hold symbolic links anywhere, including where tapfix writes: at a file a fix
rewrites, at a folder on the way to it (`templates -> ../../..`), at the name of a temporary file,
at the SARIF file (`tapfix.sarif -> .git/config`). So a run writes in two steps:

1. `stage_in` / `stage_output` check each output before anything is written: a plain relative
   path inside the scanned root (and the module's folder), no symbolic link at the file or at any
   folder between the root and it, the file itself a regular file or new. A refusal says which
   path and why, without the link's target.
2. `write_all` writes every staged file, or none: each is written to a temporary file created
   exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`, a random name) in the file's own folder, and only
   when all of them are written are they moved over their targets with `os.replace`, which
   replaces a name and never writes through one. A failure before that removes the temporary
   files and the folders the run created.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from fixers.api import under, why_not_writable

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """An output tapfix will not write. Nothing of the run is written."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: refusing to write: {reason}")
        self.path, self.reason = path, reason


class WriteFailed(Exception):
    """The system refused a write (permissions, a full disk)."""

    def __init__(self, path: str, why: str, written: int) -> None:
        after = "nothing was written" if written == 0 else f"{written} files were already written"
        super().__init__(f"{path}: cannot write: {why}; {after}")
        self.written = written


@dataclass(frozen=True)
class Staged:
    shown: str  # the path as the user knows it
    folder: Path  # the file's folder (it may be one of `missing`)
    name: str
    data: bytes
    mode: int | None  # the existing file's permission bits, kept; None for a new file
    missing: tuple[Path, ...]  # folders to create, outermost first

    @property
    def target(self) -> Path:
        return self.folder / self.name


def stage_in(root: Path, path: str, data: bytes, within: str = ".") -> Staged:
    """`path` (relative to `root`, "/" separators), which must lie in the folder `within`
    (relative to `root` too: a module writes in its own folder)."""
    why = why_not_writable(path)
    if why is not None:
        raise Refused(path, why)
    if not under(path, within):
        raise Refused(path, f"it is outside the module folder {within}")
    # The root itself is the user's choice and may be reached through a link; below it, nothing is.
    return _stage(Path(os.path.realpath(root)), path.split("/"), data, path)


def stage_output(path: Path, data: bytes, base: Path | None) -> Staged:
    """An output file the user or the workflow named (`-o`, `sarif-file`). The file is never a
    link; when it lies under `base` (the working directory, the workspace), neither is any folder
    between `base` and it, since the repository can put a link there."""
    absolute = Path(os.path.abspath(path))
    shown = str(path)
    if base is not None:
        top = Path(os.path.abspath(base))
        if absolute != top and absolute.is_relative_to(top):
            return _stage(top, list(absolute.relative_to(top).parts), data, shown)
    return _stage(absolute.parent, [absolute.name], data, shown, missing_parents=True)


def _stage(base: Path, parts: list[str], data: bytes, shown: str, missing_parents: bool = False) -> Staged:
    folder, missing = base, []
    if missing_parents:
        # Folders above an output outside `base` are the user's: created if absent, like `mkdir -p`.
        while not folder.exists():
            missing.insert(0, folder)
            folder = folder.parent
        folder = base
    for part in parts[:-1]:
        folder = folder / part
        if missing:
            missing.append(folder)
            continue
        info = _lstat(folder, shown)
        if info is None:
            missing.append(folder)
        elif stat.S_ISLNK(info.st_mode):
            raise Refused(shown, f"{_named(folder, base)} is a symbolic link")
        elif not stat.S_ISDIR(info.st_mode):
            raise Refused(shown, f"{_named(folder, base)} is not a folder")
    target = folder / parts[-1]
    info = None if missing else _lstat(target, shown)
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise Refused(shown, "it is a symbolic link")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise Refused(shown, "it is not a regular file")
    mode = stat.S_IMODE(info.st_mode) if info is not None else None
    return Staged(shown, folder, parts[-1], data, mode, tuple(missing))


def _lstat(path: Path, shown: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Refused(shown, f"cannot look at {path.name}: {exc.strerror or exc}") from None


def _named(folder: Path, base: Path) -> str:
    return folder.relative_to(base).as_posix() if folder.is_relative_to(base) else folder.name


def write_all(staged: list[Staged]) -> None:
    """Write every staged file, or (short of a failing `os.replace`) none."""
    created: list[Path] = []
    temporaries: list[Path] = []
    try:
        for item in staged:
            for folder in item.missing:
                if folder not in created:
                    _mkdir(folder, item)
                    created.append(folder)
            temporaries.append(_temporary(item))
        for item in staged:
            # A link planted at the target since it was staged is refused, not replaced silently.
            info = _lstat(item.target, item.shown)
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise Refused(item.shown, "it changed into something other than a regular file")
    except BaseException:
        for temporary in temporaries:
            _remove(temporary.unlink)
        for folder in reversed(created):
            _remove(folder.rmdir)
        raise
    for done, (item, temporary) in enumerate(zip(staged, temporaries, strict=True)):
        try:
            os.replace(temporary, item.target)
        except OSError as exc:
            for rest in temporaries[done:]:
                _remove(rest.unlink)
            raise WriteFailed(item.shown, exc.strerror or str(exc), done) from None


def _mkdir(folder: Path, item: Staged) -> None:
    try:
        os.mkdir(folder)
    except FileExistsError:
        # Made since staging: acceptable only as a real folder, never as a link.
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise Refused(item.shown, f"{folder.name} is not a folder") from None
    except OSError as exc:
        raise WriteFailed(item.shown, exc.strerror or str(exc), 0) from None


def _temporary(item: Staged) -> Path:
    """A new file with `item`'s bytes next to its target, created exclusively: a name already
    taken (by a file or a link) is never opened, another name is drawn."""
    for _ in range(100):
        path = item.folder / f".{item.name}.{secrets.token_hex(6)}.tapfix-tmp"
        try:
            fd = os.open(path, _CREATE, 0o666)  # the umask applies, as for any new file
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteFailed(item.shown, exc.strerror or str(exc), 0) from None
        try:
            if item.mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, item.mode)
            view = memoryview(item.data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            os.close(fd)
            _remove(path.unlink)
            raise WriteFailed(item.shown, exc.strerror or str(exc), 0) from None
        os.close(fd)
        return path
    raise WriteFailed(item.shown, "no free name for a temporary file", 0)


def _remove(action) -> None:
    try:
        action()
    except OSError:
        pass
