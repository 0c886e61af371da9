"""Which files make up which modules: a directory holding `.tf` files is a module, scanned with
all its files. `.terraform/` and hidden folders are skipped."""

from __future__ import annotations

import errno
import fnmatch
import json
import os
import posixpath
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixers.confined import NotRead, TooLarge, inside, read_inside
from fixers.hcl.source import MAX_FILE_BYTES, too_large
from fixers.module_files import DiskFiles


@dataclass(frozen=True)
class VariableValues:
    """Values for a module's variables given outside its folder, as Terraform takes them on the
    command line: `-var-file` files (path as given -> bytes, in the order given: a later file wins)
    and `TF_VAR_name` environment variables (name -> text)."""

    files: tuple[tuple[str, bytes], ...] = ()
    environment: tuple[tuple[str, str], ...] = ()


def tfvars_order(paths: Iterable[str]) -> list[str]:
    """Variable files in Terraform's order of precedence, lowest first: terraform.tfvars, then the
    *.auto.tfvars in lexical order of their names."""
    return sorted(paths, key=lambda p: (p.rsplit("/", 1)[-1] != "terraform.tfvars", p.rsplit("/", 1)[-1]))


def environment_values(environ: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The `TF_VAR_name` variables of an environment, as (name, text)."""
    return tuple(
        sorted(
            (k[len("TF_VAR_") :], v) for k, v in environ.items() if k.startswith("TF_VAR_") and k != "TF_VAR_"
        )
    )


@dataclass
class ModuleInput:
    """A module's files as bytes, keyed by path relative to the scan root ("/" separators)."""

    path: str
    files: dict[str, bytes]
    tfvars: dict[str, bytes] = field(default_factory=dict)
    neighbours: set[str] = field(default_factory=set)  # other file names in the directory
    # When set, only findings in these files are reported (the module is still read whole).
    targets: set[str] | None = None
    unreadable: dict[str, str] = field(default_factory=dict)  # path -> why it was not read
    # The unreadable paths whose read failed (permissions, I/O), not refused: the scan is incomplete.
    failed: set[str] = field(default_factory=set)
    # Where `file()` and `templatefile()` read the module's own files (fixers.module_files): the
    # disk for a scan, or nothing (their values are unknown) where files arrive another way.
    file_source: Any = None
    # Values from the command line, above the module's own tfvars files (None: only those).
    values: VariableValues | None = None
    # Where the modules this one calls are read (None: calls are not followed, their outputs unknown).
    modules: DiskModules | None = None


class NothingToScan(Exception):
    pass


def local_call_folder(caller: str, source: str) -> str | None:
    """The folder (relative to the scan root, "/" separators) that a local `source` (`./x`,
    `../x`) names in a call from the module in `caller`; None for any other source (registry, git,
    an absolute path) and for a path that leaves the scan root."""
    if not source.startswith(("./", "../")) or "\x00" in source:
        return None
    folder = posixpath.normpath(posixpath.join(caller, source))
    return None if folder == ".." or folder.startswith("../") else folder


@dataclass
class DiskModules:
    """The folders of called modules, read from disk under `root` (the scan root) and never outside
    `boundary`. Picklable, so that worker processes can follow calls too."""

    root: str
    boundary: str
    exclude: list[str] = field(default_factory=list)
    # What one scan has read, by folder: every call of a module, at every instance and depth, asks
    # again, and the engine's cache of a called module's own findings is keyed by the input object.
    _read: dict[str, ModuleInput | None] = field(default_factory=dict, repr=False, compare=False)
    _installs: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def called(self, caller: str, source: str, key: str, root_module: str) -> str | None:
        """The folder (relative to the scan root) of the module that `source` names in a call from
        the module in `caller`. A local path (`./x`, `../x`) is the folder itself; any other source
        (registry, git) is where `terraform init` put it: `.terraform/modules/modules.json` of the
        root module (`root_module`, where Terraform runs), under the call's key (`vpc`, `vpc.subnets`
        for a call inside a called module). None when it is neither, or lies outside the boundary."""
        if source.startswith(("./", "../")):
            folder = local_call_folder(caller, source)
            return self._inside(folder) if folder is not None else None
        installed = self._installed(root_module).get(key)
        if installed is None:
            return None
        return self._inside(posixpath.normpath(posixpath.join(root_module, installed)))

    def _inside(self, folder: str) -> str | None:
        if folder == ".." or folder.startswith("../") or "\x00" in folder:
            return None  # modules.json can name any folder
        path = Path(self.root, folder)
        if not path.is_dir():
            return None
        if os.path.realpath(path) != os.path.realpath(self.boundary) and not inside(path, self.boundary):
            return None  # a link out of the scanned directory: what it holds is not read
        return folder

    def _installed(self, root_module: str) -> dict[str, str]:
        """modules.json's key -> folder (relative to the root module), {} when there is none."""
        if root_module not in self._installs:
            self._installs[root_module] = self._read_installed(root_module)
        return self._installs[root_module]

    def _read_installed(self, root_module: str) -> dict[str, str]:
        path = Path(self.root, root_module, ".terraform", "modules", "modules.json")
        try:
            data = json.loads(read_inside(path, self.boundary, MAX_FILE_BYTES))
            entries = data["Modules"]
            return {str(e["Key"]): str(e["Dir"]) for e in entries if isinstance(e, dict) and e.get("Key")}
        except (NotRead, OSError, ValueError, KeyError, TypeError):
            return {}

    def read(self, folder: str) -> ModuleInput | None:
        if folder not in self._read:
            module = read_module(Path(self.root, folder), Path(self.root), self.exclude, Path(self.boundary))
            self._read[folder] = module if module.files else None
        return self._read[folder]


# A module's `.tf.json` files are Terraform too; tapfix does not read that syntax, and says so where
# the file is (TAP000) instead of scanning the rest of the module as if the file were not there.
JSON_SYNTAX_UNSUPPORTED = (
    "tapfix does not read Terraform's JSON syntax (.tf.json): this file is not checked, and rules about "
    "the module do not see what it declares (exclude it, or write it as .tf)"
)


def is_terraform_file(name: str) -> bool:
    return name.endswith((".tf", ".tf.json"))


def _is_tfvars(name: str) -> bool:
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def matches_any(rel: str, patterns: list[str]) -> bool:
    """`rel` matches a pattern itself, or lies in a folder that does (`legacy`, `legacy/`, `*/generated`)."""
    parts = rel.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(c, p) or fnmatch.fnmatch(c + "/", p) for c in candidates for p in patterns)


def _walk_module_dirs(top: Path, unlisted: list[tuple[Path, str]]) -> list[Path]:
    """The folders under `top` that hold `.tf` files. A folder that cannot be listed is added to
    `unlisted` (it may hold some): a scan that skipped it would wrongly say "no findings"."""

    def failed(exc: OSError) -> None:
        unlisted.append((Path(exc.filename), f"cannot read folder: {exc.strerror or exc}"))

    found = []
    # Links to folders are not followed (followlinks=False): a link is no module of this tree.
    for dirpath, dirnames, filenames in os.walk(top, onerror=failed):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        if any(is_terraform_file(f) for f in filenames):
            found.append(Path(dirpath))
    return found


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    return rel or "."


def _is_file(entry: Path) -> bool | None:
    """True for a regular file or a link to one (wherever it leads: `read_inside` decides whether
    it is read); False for folders, FIFOs, devices and dangling links; None when the entry cannot
    be looked at (a folder without search permission)."""
    try:
        return stat.S_ISREG(entry.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False  # a dangling link
    except OSError as exc:
        return False if exc.errno == errno.ELOOP else None


def _is_special(entry: Path) -> bool:
    """A FIFO, a socket or a device, or a link to one (found by `stat`, which opens nothing)."""
    try:
        mode = entry.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _read(entry: Path, boundary: Path, limit: int) -> tuple[bytes | None, str, bool]:
    """(bytes, why not, whether the read failed: permissions, I/O)."""
    try:
        return read_inside(entry, boundary, limit), "", False
    except TooLarge as exc:
        return None, too_large(exc.size), False
    except NotRead as exc:
        return None, str(exc), False
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}", True


def read_module(
    directory: Path, root: Path, exclude: list[str] | None = None, boundary: Path | None = None
) -> ModuleInput:
    """The module in `directory`; paths are relative to `root`. Nothing outside `boundary`
    (default: `root`) is read, symbolic links included."""
    exclude = exclude or []
    boundary = boundary or root
    rel_dir = _rel(directory, root)
    files: dict[str, bytes] = {}
    tfvars: dict[str, bytes] = {}
    neighbours: set[str] = set()
    unreadable: dict[str, str] = {}
    failed: set[str] = set()
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        entries = []
        unreadable[rel_dir] = f"cannot read folder: {exc.strerror or exc}"
        failed.add(rel_dir)
    for entry in entries:
        is_file = _is_file(entry)
        rel = entry.name if rel_dir == "." else f"{rel_dir}/{entry.name}"
        if is_file is False:
            if (
                (entry.name.endswith(".tf") or _is_tfvars(entry.name))
                and not matches_any(rel, exclude)
                and _is_special(entry)
            ):
                # A FIFO or a device is never opened (a FIFO would hang the read), but it is said.
                unreadable[rel] = "not a regular file"
                failed.add(rel)
            continue
        is_tf = entry.name.endswith(".tf") and not matches_any(rel, exclude)
        if entry.name.endswith(".tf.json") and not matches_any(rel, exclude):
            unreadable[rel] = JSON_SYNTAX_UNSUPPORTED
            continue
        if not is_tf and not _is_tfvars(entry.name):
            neighbours.add(entry.name)
            continue
        data, why, io_error = _read(entry, boundary, MAX_FILE_BYTES)
        if data is not None:
            (files if is_tf else tfvars)[rel] = data
            continue
        unreadable[rel] = why
        if io_error:
            failed.add(rel)
    return ModuleInput(
        path=rel_dir,
        files=files,
        tfvars=tfvars,
        neighbours=neighbours,
        unreadable=unreadable,
        failed=failed,
        file_source=DiskFiles(str(root.resolve())),
        modules=DiskModules(str(root.resolve()), str(boundary.resolve()), exclude),
    )


def discover(
    paths: list[Path], root: Path, exclude: list[str] | None = None, boundary: Path | None = None
) -> list[ModuleInput]:
    """Modules for the given files and directories. A file brings in its whole module, but
    only its own findings are reported. A folder that cannot be listed is a module of its own
    whose only file is unreadable."""
    exclude = exclude or []
    by_dir: dict[Path, set[str] | None] = {}
    unlisted: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for directory in _walk_module_dirs(path, unlisted):
                by_dir[directory.resolve()] = None
        elif path.is_file():
            directory = path.parent.resolve()
            if by_dir.get(directory, set()) is None:
                continue
            by_dir.setdefault(directory, set()).add(_rel(path, root))
        else:
            raise NothingToScan(f"{path}: no such file or directory")
    modules = []
    for directory, targets in sorted(by_dir.items()):
        module = read_module(directory, root, exclude, boundary)
        if targets is not None:
            module.targets = targets
        if module.files or module.unreadable:
            modules.append(module)
    for folder, why in unlisted:
        rel = _rel(folder, root)
        if not matches_any(rel, exclude):
            modules.append(ModuleInput(path=rel, files={}, unreadable={rel: why}, failed={rel}))
    return modules
