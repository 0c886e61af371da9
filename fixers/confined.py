"""Reading a repository's files without leaving the repository, and the shape of a path tapfix
may write.

A file may be a symbolic link (Terraform repositories share a `providers.tf` that way) as long as
what it resolves to lies inside the boundary: the directory being scanned, or the checkout. A link
that leads anywhere else is not opened: its content would reach a finding, a parse error or an
inline comment ("evaluates to ..."), and the author of a pull request chooses where it points
(`~/.ssh/id_rsa`, a `secrets.tfvars` next to the checkout). Only regular files are read, and
their size is checked on the opened file before a byte is read: a link to a 1 GiB file, a FIFO or
`/dev/zero` costs nothing. No message here quotes a file's content or a link's target.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class NotRead(Exception):
    """Why a file was not read. The message names no content and no link target."""


class LeavesBoundary(NotRead):
    """A symbolic link whose target lies outside the boundary."""


class TooLarge(NotRead):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size / 1048576:.1f} MiB; the limit is {limit / 1048576:g} MiB")
        self.size, self.limit = size, limit


def inside(path: str | os.PathLike[str], boundary: str | os.PathLike[str]) -> bool:
    """Whether `path`, with every symbolic link resolved, lies in the folder `boundary` (itself
    resolved) and is not that folder."""
    folder = os.path.realpath(boundary)
    target = os.path.realpath(path)
    return target != folder and os.path.commonpath([folder, target]) == folder


def read_inside(
    path: str | os.PathLike[str], boundary: str | os.PathLike[str] | None, limit: int, where: str = ""
) -> bytes:
    """The bytes of the regular file `path`, of at most `limit` bytes, read only when the file it
    resolves to lies inside `boundary` (`where` names the boundary in the refusal; None: no
    boundary, for a file the user named themselves).

    Raises `NotRead` (a link out of the boundary, not a regular file, `TooLarge`) or `OSError`."""
    if boundary is not None and not inside(path, boundary):
        raise LeavesBoundary(
            f"not read: a symbolic link to a file outside {where or 'the scanned directory'}"
        )
    # With every link resolved the last component is no link: O_NOFOLLOW refuses one swapped in since.
    real = os.path.realpath(path) if boundary is not None else os.fspath(path)
    nofollow = getattr(os, "O_NOFOLLOW", 0) if boundary is not None else 0
    fd = os.open(real, _OPEN_FLAGS | nofollow)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRead("not a regular file")
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:
                raise TooLarge(size, limit)  # it grew while being read
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def why_not_writable(path: str) -> str | None:
    """Why `path` (relative to the scanned root, "/" separators) is not a path tapfix writes, or
    None. A fix writes plain relative paths only: no absolute path, no `.` or `..` component (a
    resource label can be `../../.github/workflows/x`), no `.git` folder, no NUL byte, no
    backslash (a separator on Windows)."""
    if not path or "\x00" in path or "\\" in path:
        return "not a plain relative path"
    if path.startswith("/") or ":" in path.split("/")[0]:
        return "an absolute path"
    parts = path.split("/")
    odd = next((p for p in parts if p in ("", ".", "..")), None)
    if odd is not None:
        return f"the path has a{'n empty' if not odd else f' {odd!r}'} component"
    if any(p.lower() == ".git" for p in parts):
        return "the path is inside a .git folder"
    return None


def under(path: str, folder: str) -> bool:
    """Whether the plain relative `path` lies in the plain relative `folder` ("." is the root)."""
    return folder in ("", ".") or path.startswith(folder.rstrip("/") + "/")


def boundary_for(root: Path) -> Path:
    """What a scan of `root` may read: the repository that holds it (the nearest folder at or above
    it with a `.git`), so a shared `providers.tf -> ../../common/providers.tf` still reads when one
    module folder is scanned; outside a repository, `root` itself. Never the working directory: run
    from a home folder, that would let a cloned repository's links read the user's own files."""
    scanned = root.resolve()
    for folder in (scanned, *scanned.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return scanned


def repository_of(path: str | os.PathLike[str]) -> Path | None:
    """The repository that holds the file `path` as it is named (the nearest folder above it with
    a `.git`, found without resolving links: a linked folder on the way is still inside), or None."""
    absolute = Path(os.path.abspath(path))
    return next((f for f in absolute.parents if os.path.lexists(f / ".git")), None)
