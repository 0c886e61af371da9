"""The modules a PR touches, at its head and at its base, as in-memory `ModuleInput`s.

A module is a directory: every `.tf` file of each directory holding a changed `.tf` (or tfvars)
file is read, so a rule about a bucket sees the versioning resource in the next file.

- Head: the checked-out workspace, but only if each changed file there is the version the PR's
  patch was made against (`actions/checkout` checks out the test merge commit by default, whose
  line numbers can differ from the head's). A changed file that is missing or different is read
  at the head commit through the API; so is every file of a directory the workspace lacks.
- Base: undoing each changed file's patch on its head version (no git, no extra requests); files
  the PR did not change are the same at the base. A file without a usable patch (too large for
  GitHub to send) is read at the base commit through the API.

- Modules the touched modules call by a local path (`source = "./modules/sg"`, `"../shared/sg"`),
  and the modules those call, up to the command line's depth (`MAX_CALL_DEPTH`): read at the head
  (the workspace, else the API) like a touched module's unchanged files, and at the base as the
  head undone by the PR's patches, so the engine evaluates each call with its arguments at both
  ends, as `tapfix scan` does. A source that leaves the repository, an absolute path, a registry
  or git source, a folder GitHub does not list as a folder (a symbolic link) or a link out of the
  checkout is not followed: the call's module is unknown, so nothing in it is reported. At most
  `MAX_CALLED_FOLDERS` folders and `MAX_CALLED_BYTES` bytes are read; a folder past either is not
  followed at all (a half-read module would report what its other files settle).
- Modules that call a touched module (directly or through up to `MAX_CALL_DEPTH` calls): found by
  the local `source` paths of the checkout's `.tf` files (at most `MAX_INDEXED_FILES` looked at),
  the nearest `MAX_CALLER_FOLDERS` read like called modules; the review scans them at both ends
  and keeps what the PR newly causes (their own code is the same at both ends).

- Files the modules read themselves (`file()`, `templatefile()`, `filebase64()` of a path in the
  module's folder): read at the head and at the base commit through the API, only when GitHub lists
  them as regular files of that folder (it would follow a symbolic link wherever it points) and the
  listing's size is within `MAX_READ_BYTES` (a larger file is never downloaded).

Nothing from the PR is executed: files are only read.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.github.api import PullRequestApi
from bot.github.client import GitHubError
from bot.github.diff import FileDiff, matches_head, removed_file_text, reverse_apply
from fixers.api import (
    MAX_CALL_DEPTH,
    MAX_READ_BYTES,
    LeavesBoundary,
    MemoryFiles,
    ModuleInput,
    NotRead,
    files_read,
    inside,
    local_call_folder,
    local_calls,
    matches_any,
    read_inside,
    scan_path,
)

_MAX_FILE_BYTES = 4 * 1024 * 1024
# What the review reads for the modules that touched modules call (both ends together: the base
# is derived from the head, so it costs no download).
MAX_CALLED_FOLDERS = 32
MAX_CALLED_BYTES = 8 * 1024 * 1024
MAX_INDEXED_FILES = 20_000  # .tf files of the checkout looked at for calls of a touched module
# Modules calling a touched one that are checked (each is scanned at both ends, with what it calls).
MAX_CALLER_FOLDERS = 8


def is_terraform(path: str) -> bool:
    name = posixpath.basename(path)
    return name.endswith(".tf") or name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def _is_tf(path: str) -> bool:
    return path.endswith(".tf")


def _dir(path: str) -> str:
    return posixpath.dirname(path) or "."


def _join(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}"


def selected(path: str, patterns: list[str], exclude: list[str], under: str = "") -> bool:
    """The `working-directory` folder (`under`), `paths` globs (`*` also matches `/`) and the config's
    exclude patterns."""
    if under and not path.startswith(under + "/"):
        return False
    if patterns and not any(fnmatch.fnmatch(path, p) for p in patterns):
        return False
    parts = path.split("/")
    folders = ["/".join(parts[:i]) for i in range(1, len(parts))]
    return not any(
        fnmatch.fnmatch(p, x) or fnmatch.fnmatch(p + "/", x) for p in [path, *folders] for x in exclude
    )


@dataclass
class Snapshots:
    head: list[ModuleInput]
    base: list[ModuleInput]
    head_texts: dict[str, bytes]  # every file read at the head, by path
    changed: dict[str, FileDiff]  # reviewed changed files by head path (removed ones by old path)
    api_reads: list[str] = field(default_factory=list)  # files read through the API at the head
    missing_base: list[str] = field(default_factory=list)  # files whose base version is unknown
    calls_not_followed: list[str] = field(default_factory=list)  # called folders past the limits
    called_read: list[str] = field(default_factory=list)  # folders read for calls and callers
    # Untouched modules of the checkout that call a touched one, at each end
    callers_head: list[ModuleInput] = field(default_factory=list)
    callers_base: list[ModuleInput] = field(default_factory=list)
    callers_incomplete: int = 0  # the .tf files looked at for callers, when the checkout held more
    callers_not_checked: list[str] = field(default_factory=list)  # callers past MAX_CALLER_FOLDERS


@dataclass
class _Dir:
    files: dict[str, bytes] = field(default_factory=dict)  # path -> bytes, .tf and tfvars
    neighbours: set[str] = field(default_factory=set)
    # changed .tf files GitHub would not give; links out of the workspace
    unreadable: dict[str, str] = field(default_factory=dict)


def reviewed_files(
    diffs: Iterable[FileDiff], patterns: list[str], exclude: list[str], under: str = ""
) -> dict[str, FileDiff]:
    chosen = {}
    for diff in diffs:
        names = [diff.path] + ([diff.previous_path] if diff.previous_path else [])
        if any(is_terraform(n) and selected(n, patterns, exclude, under) for n in names):
            chosen[diff.path] = diff
    return chosen


def build(
    changed: dict[str, FileDiff],
    workspace: Path | None,
    api: PullRequestApi,
    head_sha: str,
    base_sha: str,
    diffs: dict[str, FileDiff] | None = None,
    exclude: list[str] | None = None,
    under: str = "",
) -> Snapshots:
    """`diffs`: every changed file of the PR (default: `changed`), to undo at the base in a called
    module whose files the review does not select; `exclude`: the config's patterns, for the files
    of called modules (as the command line reads them); `under`: the folder the review looks for
    callers of touched modules in."""
    head_dirs = sorted({_dir(d.path) for d in changed.values()})
    base_dirs = sorted(
        {_dir(d.previous_path or d.path) for d in changed.values() if d.status != "added"}
        | {_dir(d.path) for d in changed.values() if d.status == "removed"}
    )
    snapshots = Snapshots([], [], {}, changed)
    heads = {
        d: _read_head_dir(d, changed, workspace, api, head_sha, snapshots)
        for d in set(head_dirs) | set(base_dirs)
    }
    for directory in head_dirs:
        if heads[directory].files or heads[directory].unreadable:
            snapshots.head.append(_module(directory, heads[directory]))
    for directory in base_dirs:
        base = _base_dir(directory, heads[directory], changed, heads, api, base_sha, snapshots)
        if base.files:
            snapshots.base.append(_module(directory, base))
    _attach_module_files(snapshots, api, head_sha, base_sha)
    called = _CalledModules(snapshots, diffs or changed, workspace, api, head_sha, base_sha, exclude or [])
    called.attach(under)
    return snapshots


_FILE_CALL = re.compile(rb"\b(?:file|templatefile|filebase64)\s*\(")


def _attach_module_files(snapshots: Snapshots, api: PullRequestApi, head_sha: str, base_sha: str) -> None:
    """Give each module the files its configuration reads, as they are at its commit. A file that
    cannot be fetched at either end is unknown at both: a failed request must not make a finding
    look new, or fixed."""
    wanted: dict[str, set[str]] = {}
    for module in [*snapshots.head, *snapshots.base]:
        if any(_FILE_CALL.search(data) for data in module.files.values()):
            wanted.setdefault(module.path, set()).update(files_read(module))
    fetched: dict[str, dict[str, bytes]] = {head_sha: {}, base_sha: {}}
    listings: dict[tuple[str, str], dict[str, int | None]] = {}
    for directory, relatives in sorted(wanted.items()):
        for relative in sorted(relatives):
            path = scan_path(directory, relative)
            try:
                found = {ref: _module_file(api, path, ref, listings) for ref in (head_sha, base_sha)}
            except GitHubError:
                continue
            for ref, data in found.items():
                if data is not None:
                    fetched[ref][path] = data
    for module in snapshots.head:
        module.file_source = MemoryFiles(fetched[head_sha])
    for module in snapshots.base:
        module.file_source = MemoryFiles(fetched[base_sha])


def _module_file(
    api: PullRequestApi, path: str, ref: str, listings: dict[tuple[str, str], dict[str, int | None]]
) -> bytes | None:
    folder, name = posixpath.split(path)
    if (ref, folder) not in listings:
        listings[ref, folder] = api.directory(folder or ".", ref) or {}
    if name not in listings[ref, folder]:
        return None  # missing, or a symbolic link or submodule (listed with another type)
    size = listings[ref, folder][name]
    if size is not None and size > MAX_READ_BYTES:
        return None  # unknown to the evaluator, as on disk: the listing says so, no download
    data = api.file_content(path, ref)
    return data if data is not None and len(data) <= MAX_READ_BYTES else None


def _module(directory: str, content: _Dir) -> ModuleInput:
    files = {p: b for p, b in sorted(content.files.items()) if _is_tf(p)}
    tfvars = {p: b for p, b in sorted(content.files.items()) if not _is_tf(p)}
    return ModuleInput(
        path=directory,
        files=files,
        tfvars=tfvars,
        neighbours=set(content.neighbours),
        unreadable=dict(content.unreadable),
    )


def _read_head_dir(
    directory: str,
    changed: dict[str, FileDiff],
    workspace: Path | None,
    api: PullRequestApi,
    head_sha: str,
    snapshots: Snapshots,
) -> _Dir:
    content = _Dir()
    local = workspace / directory if workspace is not None else None
    if local is not None and local.is_dir():
        names = sorted(p.name for p in local.iterdir() if p.is_file())
        for name in names:
            path = _join(directory, name)
            if not is_terraform(name):
                content.neighbours.add(name)
                continue
            try:
                content.files[path] = read_inside(local / name, workspace, _MAX_FILE_BYTES, "the workspace")
            except LeavesBoundary as exc:
                # A link out of the checkout (to a runner's secret, a key): never read, and the
                # API is not asked either; the file is a located TAP000.
                content.unreadable[path] = str(exc)
            except (NotRead, OSError):
                continue  # over the size limit, or gone: a changed file is read through the API below
    else:
        # A folder GitHub does not list (gone, or a failed request) still has its changed files:
        # each is read, or reported as unreadable, below.
        listed = api.directory(directory, head_sha) or {}
        for name, size in sorted(listed.items()):
            if not is_terraform(name):
                content.neighbours.add(name)
                continue
            if size is not None and size > _MAX_FILE_BYTES:
                continue  # as on disk; a changed file is still read below
            data = api.file_content(_join(directory, name), head_sha)
            if data is not None:
                content.files[_join(directory, name)] = data
                snapshots.api_reads.append(_join(directory, name))
    # A changed file must be the exact version the patch describes, or line numbers are wrong.
    for diff in changed.values():
        if diff.status == "removed" or _dir(diff.path) != directory or diff.path in content.unreadable:
            continue
        data = content.files.get(diff.path)
        if data is not None and (not diff.has_patch or matches_head(diff, _text(data))):
            continue
        fetched = api.file_content(diff.path, head_sha)
        if fetched is not None:
            content.files[diff.path] = fetched
            snapshots.api_reads.append(diff.path)
        elif data is None and _is_tf(diff.path):
            # Skipping it would report "no new findings" for a file nobody checked: it becomes a
            # TAP000, like a file that cannot be read on disk.
            content.unreadable[diff.path] = (
                f"GitHub has no such file at the head commit {head_sha[:7]} (force-pushed since, "
                "or a symbolic link or submodule)"
            )
    # Files the PR deleted can linger in a merge-commit checkout: they are not in the head.
    for diff in changed.values():
        if diff.status == "removed" and _dir(diff.path) == directory:
            content.files.pop(diff.path, None)
    snapshots.head_texts.update(content.files)
    return content


def _base_dir(
    directory: str,
    head: _Dir,
    changed: dict[str, FileDiff],
    heads: dict[str, _Dir],
    api: PullRequestApi,
    base_sha: str,
    snapshots: Snapshots,
) -> _Dir:
    unchanged_unreadable = {p: why for p, why in head.unreadable.items() if p not in changed}
    base = _Dir(files=dict(head.files), neighbours=set(head.neighbours), unreadable=unchanged_unreadable)
    for diff in changed.values():
        if _dir(diff.path) == directory and diff.status != "removed":
            base.files.pop(diff.path, None)  # re-added below from its old version, if it had one
    for diff in changed.values():
        old_path = diff.previous_path or diff.path
        if diff.status == "added" or _dir(old_path) != directory:
            continue
        if diff.status == "removed":
            old = removed_file_text(diff)
        else:
            new_bytes = heads.get(_dir(diff.path), _Dir()).files.get(diff.path)
            if new_bytes is None:
                old = None
            elif not diff.patch and diff.status == "renamed":
                old = _text(new_bytes)  # a pure rename: same content
            else:
                old = reverse_apply(diff, _text(new_bytes))
        if old is not None:
            base.files[old_path] = old.encode("utf-8")
            continue
        fetched = api.file_content(old_path, base_sha)
        if fetched is not None:
            base.files[old_path] = fetched
        else:
            snapshots.missing_base.append(old_path)
    return base


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


# --- modules the touched modules call --------------------------------------------------------


@dataclass(eq=False)
class ReviewModules:
    """The called modules the review read at one end of the PR, by folder: what the engine asks
    when it follows a module call (`fixers.workspace.DiskModules` is the command line's). Only a
    local source is followed: `.terraform/modules` is no part of a repository, so a registry or
    git module is unknown."""

    folders: dict[str, ModuleInput]

    def called(self, caller: str, source: str, key: str, root_module: str) -> str | None:
        folder = local_call_folder(caller, source)
        return folder if folder in self.folders else None

    def read(self, folder: str) -> ModuleInput | None:
        return self.folders.get(folder)


# `source = "./x"` in a file: a candidate call (a provisioner has a `source` too); `local_calls`
# then reads the module's real calls.
_LOCAL_SOURCE = re.compile(rb'\bsource\s*=\s*"(\.\.?/[^"\n]*)"')


def _local_callers(workspace: Path, under: str, snapshots: Snapshots) -> dict[str, set[str]]:
    """Folder -> the folders of the checkout whose `.tf` files hold a local source naming it. At
    most `MAX_INDEXED_FILES` files are looked at (hidden folders, links to folders and files
    linked out of the checkout are not)."""
    called_by: dict[str, set[str]] = {}
    looked_at = 0
    top = workspace / under if under else workspace
    if not top.is_dir() or (under and not inside(top, workspace)):
        return called_by
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        folder = Path(dirpath).relative_to(workspace).as_posix()
        for name in sorted(n for n in filenames if n.endswith(".tf")):
            if looked_at >= MAX_INDEXED_FILES:
                snapshots.callers_incomplete = looked_at
                return called_by
            looked_at += 1
            try:
                data = read_inside(Path(dirpath, name), workspace, _MAX_FILE_BYTES, "the workspace")
            except (NotRead, OSError):
                continue
            for match in _LOCAL_SOURCE.finditer(data):
                source = match[1].decode("utf-8", errors="replace")
                target = local_call_folder(folder, source)
                if target is not None and target != folder:
                    called_by.setdefault(target, set()).add(folder)
    return called_by


class _Refused(Exception):
    """A called folder that is not followed: a link out of the checkout, past the limits, or a
    request that failed. It is unknown at both ends of the PR."""


class _CalledModules:
    def __init__(
        self,
        snapshots: Snapshots,
        diffs: dict[str, FileDiff],
        workspace: Path | None,
        api: PullRequestApi,
        head_sha: str,
        base_sha: str,
        exclude: list[str],
    ) -> None:
        self.snapshots, self.diffs, self.workspace, self.api = snapshots, diffs, workspace, api
        self.head_sha, self.base_sha, self.exclude = head_sha, base_sha, exclude
        # folder -> module at that end; None: not there, or not followed
        self.head: dict[str, ModuleInput | None] = {m.path: m for m in snapshots.head}
        self.base: dict[str, ModuleInput | None] = {m.path: m for m in snapshots.base}
        for folder in set(self.head) | set(self.base):
            self.head.setdefault(folder, None)
            self.base.setdefault(folder, None)
        self.calls: dict[tuple[bool, str], list[str]] = {}
        self.folders_read = 0
        self.bytes_read = 0

    def attach(self, under: str = "") -> None:
        """Read what the touched modules call; then, in the checkout, the modules that call a
        touched one (as deep as the engine follows calls, inside `under`) and what those call;
        then give every module the called modules it reaches, at its own end."""
        self._follow([m.path for m in self.snapshots.head], [m.path for m in self.snapshots.base])
        if self.workspace is not None:
            callers = self._read_callers(self.workspace, under)
            self._follow(callers, callers)
            self.snapshots.callers_head = [m for f in callers if (m := self.head.get(f)) is not None]
            self.snapshots.callers_base = [m for f in callers if (m := self.base.get(f)) is not None]
            for module in self.snapshots.callers_head:
                self.snapshots.head_texts.update(module.files)  # for the patches of their fixes
        for at_head, modules in ((True, self.head), (False, self.base)):
            for folder, module in modules.items():
                reachable = self._reachable(at_head, folder)
                if module is not None and reachable:
                    module.modules = ReviewModules(reachable)

    def _follow(self, head_roots: list[str], base_roots: list[str]) -> None:
        """Read what the roots call, breadth first: each folder's calls are read at the least depth
        it is called from, if the engine follows calls that deep."""
        queue = deque([(True, f, 0) for f in head_roots] + [(False, f, 0) for f in base_roots])
        while queue:
            at_head, folder, depth = queue.popleft()
            module = (self.head if at_head else self.base).get(folder)
            if (at_head, folder) in self.calls or module is None or depth >= MAX_CALL_DEPTH:
                continue
            self.calls[at_head, folder] = local_calls(module)
            for child in self.calls[at_head, folder]:
                self._read(child)
                queue.append((at_head, child, depth + 1))

    def _read_callers(self, workspace: Path, under: str) -> list[str]:
        """The folders of the checkout (in `under`) whose modules call a touched module, directly or
        through up to `MAX_CALL_DEPTH` calls, nearest first; each read like a called one."""
        touched = {m.path for m in self.snapshots.head}
        called_by = _local_callers(workspace, under, self.snapshots)
        found: list[str] = []
        level = touched
        for _ in range(MAX_CALL_DEPTH):
            level = {c for f in level for c in called_by.get(f, ()) if c not in touched and c not in found}
            found += sorted(level)
        self.snapshots.callers_not_checked = found[MAX_CALLER_FOLDERS:]
        for folder in found[:MAX_CALLER_FOLDERS]:
            self._read(folder)
        return [f for f in found[:MAX_CALLER_FOLDERS] if self.head.get(f) is not None]

    def _reachable(self, at_head: bool, start: str) -> dict[str, ModuleInput]:
        modules = self.head if at_head else self.base
        found: dict[str, ModuleInput] = {}
        pending = [start]
        while pending:
            for child in self.calls.get((at_head, pending.pop()), []):
                module = modules.get(child)
                if module is not None and child not in found:
                    found[child] = module
                    pending.append(child)
        return found

    def _read(self, folder: str) -> None:
        if folder in self.head:  # touched, or read already
            return
        in_folder = {
            p: d for p, d in self.diffs.items() if folder in (_dir(d.path), _dir(d.previous_path or d.path))
        }
        try:
            head = self._read_head(folder, in_folder)
        except _Refused:
            self.head[folder] = self.base[folder] = None
            return
        self.head[folder] = _module(folder, head) if head.files else None
        base = (
            _base_dir(folder, head, in_folder, {folder: head}, self.api, self.base_sha, self.snapshots)
            if in_folder
            else head
        )
        self.base[folder] = _module(folder, base) if base.files else None

    def _read_head(self, folder: str, in_folder: dict[str, FileDiff]) -> _Dir:
        """The folder's Terraform files at the head (none: no such folder there)."""
        if self.folders_read >= MAX_CALLED_FOLDERS:
            self.snapshots.calls_not_followed.append(folder)
            raise _Refused
        local = self.workspace / folder if self.workspace is not None else None
        try:
            if local is not None and local.is_dir():
                content = self._read_local(folder, local)
            else:
                content = self._read_through_api(folder)
            self._match_patches(folder, content, in_folder)
        except (GitHubError, OSError) as exc:
            raise _Refused from exc
        self.folders_read += 1
        self.snapshots.called_read.append(folder)
        return content

    def _budget(self, folder: str, sizes: Iterable[int | None]) -> None:
        """Refuse a folder that would take the reads past `MAX_CALLED_BYTES`, or holds a file over
        the size limit, before anything of it is read."""
        total = 0
        for size in sizes:
            if size is None or size > _MAX_FILE_BYTES:
                self.snapshots.calls_not_followed.append(folder)
                raise _Refused
            total += size
        if self.bytes_read + total > MAX_CALLED_BYTES:
            self.snapshots.calls_not_followed.append(folder)
            raise _Refused
        self.bytes_read += total

    def _wanted(self, folder: str, name: str) -> bool:
        path = _join(folder, name)
        return is_terraform(name) and not (_is_tf(name) and matches_any(path, self.exclude))

    def _read_local(self, folder: str, local: Path) -> _Dir:
        assert self.workspace is not None
        if not inside(local, self.workspace):
            raise _Refused  # a link out of the checkout: what it holds is not read
        content = _Dir()
        entries = sorted(p for p in local.iterdir() if p.is_file())
        content.neighbours = {p.name for p in entries if not self._wanted(folder, p.name)}
        wanted = [p for p in entries if self._wanted(folder, p.name)]
        # A link out of the checkout is never looked at (not even its size): it is unreadable.
        linked_out = {p for p in wanted if not inside(p, self.workspace)}
        self._budget(folder, [p.stat().st_size for p in wanted if p not in linked_out])
        for entry in wanted:
            path = _join(folder, entry.name)
            try:
                content.files[path] = read_inside(entry, self.workspace, _MAX_FILE_BYTES, "the workspace")
            except LeavesBoundary as exc:
                content.unreadable[path] = str(exc)
            except (NotRead, OSError) as exc:
                raise _Refused from exc  # changed or gone since it was listed
        return content

    def _read_through_api(self, folder: str) -> _Dir:
        content = _Dir()
        listed = self.api.directory(folder, self.head_sha)
        if listed is None:
            return content  # no such folder at the head (or a symbolic link: GitHub lists no folder)
        content.neighbours = {n for n in listed if not self._wanted(folder, n)}
        wanted = sorted(n for n in listed if self._wanted(folder, n))
        self._budget(folder, [listed[n] for n in wanted])
        for name in wanted:
            data = self.api.file_content(_join(folder, name), self.head_sha)
            if data is None or len(data) > _MAX_FILE_BYTES:
                raise _Refused  # gone since it was listed (a force-push)
            content.files[_join(folder, name)] = data
        return content

    def _match_patches(self, folder: str, content: _Dir, in_folder: dict[str, FileDiff]) -> None:
        """A changed file of the folder (one the review does not select) is the head's version, so
        that undoing its patch gives the base: the workspace may be a merge commit."""
        for diff in in_folder.values():
            if diff.status == "removed":
                content.files.pop(diff.path, None)  # it can linger in a merge-commit checkout
                continue
            if _dir(diff.path) != folder or not self._wanted(folder, posixpath.basename(diff.path)):
                continue
            data = content.files.get(diff.path)
            if data is not None and (not diff.has_patch or matches_head(diff, _text(data))):
                continue
            fetched = self.api.file_content(diff.path, self.head_sha)
            if fetched is None or len(fetched) > _MAX_FILE_BYTES:
                raise _Refused
            content.files[diff.path] = fetched
