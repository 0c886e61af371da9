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

- Files the modules read themselves (`file()`, `templatefile()`, `filebase64()` of a path in the
  module's folder): read at the head and at the base commit through the API, only when GitHub lists
  them as regular files of that folder (it would follow a symbolic link wherever it points) and the
  listing's size is within `MAX_READ_BYTES` (a larger file is never downloaded).

Nothing from the PR is executed: files are only read.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.github.api import PullRequestApi
from bot.github.client import GitHubError
from bot.github.diff import FileDiff, matches_head, removed_file_text, reverse_apply
from fixers.confined import LeavesBoundary, NotRead, read_inside
from fixers.engine import load
from fixers.evaluate import referenced_files
from fixers.module_files import MAX_READ_BYTES, MemoryFiles, scan_path
from fixers.workspace import ModuleInput

_MAX_FILE_BYTES = 4 * 1024 * 1024


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
    changed: dict[str, FileDiff], workspace: Path | None, api: PullRequestApi, head_sha: str, base_sha: str
) -> Snapshots:
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
    return snapshots


_FILE_CALL = re.compile(rb"\b(?:file|templatefile|filebase64)\s*\(")


def _attach_module_files(snapshots: Snapshots, api: PullRequestApi, head_sha: str, base_sha: str) -> None:
    """Give each module the files its configuration reads, as they are at its commit. A file that
    cannot be fetched at either end is unknown at both: a failed request must not make a finding
    look new, or fixed."""
    wanted: dict[str, set[str]] = {}
    for module in [*snapshots.head, *snapshots.base]:
        if any(_FILE_CALL.search(data) for data in module.files.values()):
            wanted.setdefault(module.path, set()).update(referenced_files(load(module).module))
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
