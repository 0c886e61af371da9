"""The files a module's configuration reads itself, with `file()`, `templatefile()` and
`filebase64()`: a user data script kept in `templates/app.sh` is part of what the rules check.

Only files inside the module's own folder are read, and only regular files up to
`MAX_READ_BYTES`. A path that leaves the folder (`..`, an absolute path, a symbolic link that
points elsewhere), a missing file, a folder, a FIFO or a file over the cap is unknown to the
evaluator, never an error: Terraform would fail or read something tapfix cannot see.

Where a relative path points: Terraform resolves it from the directory it runs in. tapfix scans
each folder as the module one runs Terraform in, so `file("user_data.sh")` is read from the
module's folder, like `file("${path.module}/user_data.sh")`. (A child module that uses a
relative path reads a file of whoever calls it; Terraform's documentation tells module authors
to write `path.module` for that reason.) `path.root` and `path.cwd` stay unknown.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import Protocol

from fixers.confined import NotRead, read_inside

# A user data script is at most 16 KB; 1 MiB also holds the policies and configurations people keep
# in files, and is about the largest value the evaluator builds (MAX_VALUE_SIZE) anyway.
MAX_READ_BYTES = 1024 * 1024

# What `path.module` evaluates to inside the path argument of a file function: a marker that no
# other value can produce in practice, replaced by the module's folder when the file is read.
MODULE_MARKER = "\x00path.module\x00"


class FileSource(Protocol):
    def read_in_module(self, module_dir: str, relative: str) -> bytes | None:
        """The bytes of the module-relative path `relative` of the module in `module_dir` (relative
        to the scan root, "/" separators), or None when it cannot be read inside that folder."""


def module_relative(path_value: str) -> str | None:
    """The path a file function's argument names, relative to the module folder ("templates/a.sh"),
    or None when it is not a path inside the folder."""
    if MODULE_MARKER in path_value:
        if not path_value.startswith(MODULE_MARKER) or MODULE_MARKER in path_value[len(MODULE_MARKER) :]:
            return None
        rest = path_value[len(MODULE_MARKER) :]
        if rest and not rest.startswith("/"):
            return None  # "${path.module}x.sh" names a sibling of the folder
        path_value = rest.lstrip("/")
    if not path_value or "\x00" in path_value or "\\" in path_value:
        return None  # a backslash is a separator on Windows and a character elsewhere: unknown
    if path_value.startswith("/") or path_value.startswith("~") or ":" in path_value.split("/")[0]:
        return None  # absolute, a home directory, or a Windows drive
    normal = posixpath.normpath(path_value)
    if normal in (".", "..") or normal.startswith("../"):
        return None
    return normal


def scan_path(module_dir: str, relative: str) -> str:
    """A module-relative path as a path relative to the scan root."""
    return relative if module_dir in ("", ".") else f"{module_dir}/{relative}"


@dataclass
class DiskFiles:
    """Files on disk under `root` (the scan root). Picklable, so worker processes can read too."""

    root: str
    _cache: dict[str, bytes | None] = field(default_factory=dict, repr=False)

    def read_in_module(self, module_dir: str, relative: str) -> bytes | None:
        key = f"{module_dir}\x00{relative}"
        if key not in self._cache:
            self._cache[key] = _read_inside(self.root, module_dir, scan_path(module_dir, relative))
        return self._cache[key]


def _read_inside(root: str, module_dir: str, path: str) -> bytes | None:
    try:
        return read_inside(os.path.join(root, path), os.path.join(root, module_dir), MAX_READ_BYTES)
    except (NotRead, OSError, ValueError):
        return None


@dataclass
class MemoryFiles:
    """Files already read (e.g. through GitHub's API), by path relative to the scan root."""

    files: dict[str, bytes] = field(default_factory=dict)

    def read_in_module(self, module_dir: str, relative: str) -> bytes | None:
        data = self.files.get(scan_path(module_dir, relative))
        return data if data is not None and len(data) <= MAX_READ_BYTES else None


def text_of(data: bytes | None) -> str | None:
    """A file's content as `file()` returns it, or None when it is not text (NUL bytes, not
    UTF-8): Terraform's `file()` refuses invalid UTF-8, and a NUL byte means a binary file."""
    if data is None or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
