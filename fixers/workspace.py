"""Which files make up which modules: a directory holding `.tf` files is a module, scanned with
all its files. `.terraform/` and hidden folders are skipped."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixers.module_files import DiskFiles


@dataclass
class ModuleInput:
    """A module's files as bytes, keyed by path relative to the scan root ("/" separators)."""

    path: str
    files: dict[str, bytes]
    tfvars: dict[str, bytes] = field(default_factory=dict)
    neighbours: set[str] = field(default_factory=set)  # other file names in the directory
    # When set, only findings in these files are reported (the module is still read whole).
    targets: set[str] | None = None
    unreadable: dict[str, str] = field(default_factory=dict)  # path -> why it could not be read
    # Where `file()` and `templatefile()` read the module's own files (fixers.module_files): the
    # disk for a scan, or nothing (their values are unknown) where files arrive another way.
    file_source: Any = None


class NothingToScan(Exception):
    pass


def _is_tfvars(name: str) -> bool:
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def _excluded(rel: str, patterns: list[str]) -> bool:
    """`rel` matches a pattern itself, or lies in a folder that does (`legacy`, `legacy/`, `*/generated`)."""
    parts = rel.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(c, p) or fnmatch.fnmatch(c + "/", p) for c in candidates for p in patterns)


def _walk_module_dirs(top: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        if any(f.endswith(".tf") for f in filenames):
            found.append(Path(dirpath))
    return found


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    return rel or "."


def read_module(directory: Path, root: Path, exclude: list[str] | None = None) -> ModuleInput:
    exclude = exclude or []
    rel_dir = _rel(directory, root)
    files: dict[str, bytes] = {}
    tfvars: dict[str, bytes] = {}
    neighbours: set[str] = set()
    unreadable: dict[str, str] = {}
    for entry in sorted(directory.iterdir()):
        if not entry.is_file():
            continue
        rel = entry.name if rel_dir == "." else f"{rel_dir}/{entry.name}"
        if entry.name.endswith(".tf") and not _excluded(rel, exclude):
            try:
                files[rel] = entry.read_bytes()
            except OSError as exc:
                unreadable[rel] = f"cannot read file: {exc.strerror or exc}"
        elif _is_tfvars(entry.name):
            try:
                tfvars[rel] = entry.read_bytes()
            except OSError:
                pass
        else:
            neighbours.add(entry.name)
    return ModuleInput(
        path=rel_dir,
        files=files,
        tfvars=tfvars,
        neighbours=neighbours,
        unreadable=unreadable,
        file_source=DiskFiles(str(root.resolve())),
    )


def discover(paths: list[Path], root: Path, exclude: list[str] | None = None) -> list[ModuleInput]:
    """Modules for the given files and directories. A file brings in its whole module, but
    only its own findings are reported."""
    exclude = exclude or []
    by_dir: dict[Path, set[str] | None] = {}
    for path in paths:
        if path.is_dir():
            for directory in _walk_module_dirs(path):
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
        module = read_module(directory, root, exclude)
        if targets is not None:
            module.targets = targets
        if module.files or module.unreadable:
            modules.append(module)
    return modules
