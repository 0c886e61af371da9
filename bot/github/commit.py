"""One commit on a branch through the Git Data API, on top of an exact commit, never forced.

1. `git/get-ref` heads/<branch> must still be the commit the new files were computed from;
2. its tree, walked down to each file's directory, gives each file's mode (an executable stays
   executable; a symbolic link or submodule is never overwritten with text);
3. each file becomes a blob (Base64, so a byte-order mark and CRLF line endings arrive as they are);
4. a tree on top of the base tree changes only those paths (without `base_tree` every other file
   would be deleted);
5. a commit with the exact head as its only parent;
6. the ref moves to it with `force: false`: GitHub answers 422 "Update is not a fast forward" when
   someone pushed meanwhile, and nothing is overwritten.

Blobs and trees are addressed by their content and a commit nobody points at is inert, so those
requests may be repeated after a 5xx; the ref update is the only step that changes anything, and
after an ambiguous answer the ref is read again to see whether it moved to the new commit.
"""

from __future__ import annotations

import base64
import posixpath
from dataclasses import dataclass, field
from urllib.parse import quote

from bot.github.client import GitHubClient, GitHubError
from bot.github.models import GitCommit, GitRef, GitTree
from fixers.api import why_not_writable

REGULAR_MODES = ("100644", "100755")
NEW_FILE_MODE = "100644"


class CommitError(Exception):
    pass


class BranchMoved(CommitError):
    """The branch is no longer at the commit the fixes were computed from."""

    def __init__(self, branch: str, expected: str, actual: str) -> None:
        self.branch, self.expected, self.actual = branch, expected, actual
        super().__init__(f"branch {branch} is at {actual[:12]}, not at {expected[:12]}")


class CannotPush(CommitError):
    """The token may not write to the repository (a fork, a read-only token, a protected branch)."""


class UnsafePath(CommitError):
    """A path to write is not a plain relative path (`..`, absolute, `.git`): refused before any
    request, since the Git Data API would take `a/../../b` as written."""


class NotRegularFile(CommitError):
    """A path to write is a symbolic link, a submodule or a directory in the head commit."""


@dataclass
class Written:
    sha: str
    html_url: str
    files: dict[str, str] = field(default_factory=dict)  # path -> mode written


@dataclass
class GitData:
    client: GitHubClient
    repository: str  # "owner/name"

    @property
    def _git(self) -> str:
        return f"/repos/{self.repository}/git"

    def ref(self, branch: str) -> str:
        """The commit `branch` points at. A 404 (a deleted branch, or a fork the token cannot
        see) raises, and `commit_files` reports it as a branch it cannot push to."""
        data = self.client.get(f"{self._git}/ref/heads/{_quoted(branch)}")
        return GitRef.model_validate(data).object.sha

    def commit(self, sha: str) -> GitCommit:
        return GitCommit.model_validate(self.client.get(f"{self._git}/commits/{sha}"))

    def tree(self, sha: str) -> GitTree:
        return GitTree.model_validate(self.client.get(f"{self._git}/trees/{sha}"))

    def create_blob(self, data: bytes) -> str:
        payload = {"content": base64.b64encode(data).decode("ascii"), "encoding": "base64"}
        response = self.client.request("POST", f"{self._git}/blobs", json=payload, idempotent=True)
        return str(response.data["sha"])

    def create_tree(self, base_tree: str, entries: list[dict[str, str]]) -> str:
        payload = {"base_tree": base_tree, "tree": entries}
        response = self.client.request("POST", f"{self._git}/trees", json=payload, idempotent=True)
        return GitTree.model_validate(response.data).sha

    def create_commit(self, message: str, tree: str, parent: str) -> GitCommit:
        payload = {"message": message, "tree": tree, "parents": [parent]}
        response = self.client.request("POST", f"{self._git}/commits", json=payload, idempotent=True)
        return GitCommit.model_validate(response.data)

    def update_ref(self, branch: str, sha: str) -> None:
        self.client.request(
            "PATCH", f"{self._git}/refs/heads/{_quoted(branch)}", json={"sha": sha, "force": False}
        )


def _quoted(branch: str) -> str:
    return quote(branch, safe="/")


def commit_files(git: GitData, branch: str, head_sha: str, files: dict[str, bytes], message: str) -> Written:
    """Commit `files` (path -> new content) on `branch`, whose tip must be `head_sha`."""
    try:
        return _commit(git, branch, head_sha, files, message)
    except GitHubError as exc:
        if exc.forbidden:
            raise CannotPush(f"{git.repository}: {exc.message} (HTTP {exc.status})") from None
        raise


def _commit(git: GitData, branch: str, head_sha: str, files: dict[str, bytes], message: str) -> Written:
    for path in sorted(files):
        why = why_not_writable(path)
        if why is not None:
            raise UnsafePath(f"{path}: {why}")
    tip = git.ref(branch)
    if tip != head_sha:
        raise BranchMoved(branch, head_sha, tip)
    base_tree = git.commit(head_sha).tree.sha
    modes = _modes(git, base_tree, sorted(files))
    entries = []
    for path in sorted(files):
        blob = git.create_blob(files[path])
        entries.append({"path": path, "mode": modes.get(path, NEW_FILE_MODE), "type": "blob", "sha": blob})
    tree = git.create_tree(base_tree, entries)
    new = git.create_commit(message, tree, head_sha)
    try:
        git.update_ref(branch, new.sha)
    except GitHubError as exc:
        if exc.forbidden:
            raise
        tip = git.ref(branch)
        if tip == new.sha:  # an earlier attempt went through before the error
            return Written(new.sha, new.html_url, {e["path"]: e["mode"] for e in entries})
        if tip != head_sha:
            raise BranchMoved(branch, head_sha, tip) from None
        raise CannotPush(f"{git.repository}: {exc.message} (HTTP {exc.status})") from None
    return Written(new.sha, new.html_url, {e["path"]: e["mode"] for e in entries})


def _modes(git: GitData, root_tree: str, paths: list[str]) -> dict[str, str]:
    """The mode of each path that exists in the tree; a path that is not a regular file is an error."""
    listings: dict[str, dict[str, tuple[str, str, str]] | None] = {"": _entries(git.tree(root_tree))}

    def listing(directory: str) -> dict[str, tuple[str, str, str]] | None:
        if directory not in listings:
            parent = listing(posixpath.dirname(directory))
            entry = parent.get(posixpath.basename(directory)) if parent is not None else None
            if entry is None:
                listings[directory] = None  # a new directory
            elif entry[1] != "tree":
                raise NotRegularFile(f"{directory} is not a directory in the head commit")
            else:
                listings[directory] = _entries(git.tree(entry[2]))
        return listings[directory]

    modes = {}
    for path in paths:
        entries = listing(posixpath.dirname(path))
        entry = entries.get(posixpath.basename(path)) if entries is not None else None
        if entry is None:
            continue
        mode, kind, _ = entry
        if kind != "blob" or mode not in REGULAR_MODES:
            what = {"120000": "a symbolic link", "160000": "a submodule"}.get(
                mode, f"not a regular file (mode {mode})"
            )
            raise NotRegularFile(f"{path} is {what} in the head commit")
        modes[path] = mode
    return modes


def _entries(tree: GitTree) -> dict[str, tuple[str, str, str]]:
    if tree.truncated:
        raise GitHubError(0, f"GitHub truncated the listing of tree {tree.sha[:12]}")
    return {e.path: (e.mode, e.type, e.sha) for e in tree.tree}
