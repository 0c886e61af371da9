"""The parts of GitHub's objects tapfix reads. Only what is read is declared (webhook examples and
older GitHub Enterprise versions lack fields current schemas require), unknown fields are ignored,
and what GitHub documents as optional or reports as null (`line` of an outdated comment, `patch` of
a large file, the head `repo` of a deleted fork) is optional here too."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SHA = r"^[0-9a-f]{40}$"
FULL_NAME = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Read):
    login: str
    type: str | None = None


class Repo(_Read):
    full_name: str = Field(pattern=FULL_NAME)


class Ref(_Read):
    sha: str = Field(pattern=SHA)
    ref: str = ""
    repo: Repo | None = None  # null when the fork was deleted


class PullRequest(_Read):
    number: int = Field(ge=1)
    state: str = "open"
    head: Ref
    base: Ref
    changed_files: int | None = None
    html_url: str = ""
    maintainer_can_modify: bool = False

    @property
    def from_fork(self) -> bool:
        head = self.head.repo.full_name if self.head.repo else None
        base = self.base.repo.full_name if self.base.repo else None
        return head is None or head.lower() != (base or "").lower()


class ChangedFile(_Read):
    """One entry of `pulls/list-files` (spec schema `diff-entry`)."""

    filename: str
    status: str
    additions: int = 0
    deletions: int = 0
    changes: int = 0
    patch: str | None = None  # absent for binary files and diffs GitHub finds too large
    previous_filename: str | None = None
    sha: str | None = None


class ReviewComment(_Read):
    id: int
    node_id: str = ""
    body: str = ""
    path: str = ""
    line: int | None = None  # null once the comment is outdated
    original_line: int | None = None
    user: User | None = None
    in_reply_to_id: int | None = None
    html_url: str = ""


class IssueComment(_Read):
    id: int
    node_id: str = ""
    body: str | None = None
    user: User | None = None
    html_url: str = ""


class Review(_Read):
    id: int
    node_id: str = ""
    body: str | None = None
    user: User | None = None
    commit_id: str | None = None
    html_url: str = ""


# --- the /tapfix command -------------------------------------------------------------------------


class CollaboratorPermission(_Read):
    """`repos/get-collaborator-permission-level`: `permission` folds maintain into write and triage
    into read; `role_name` is the real role (or a custom role's name)."""

    permission: str
    role_name: str = ""


class GitObject(_Read):
    sha: str = Field(pattern=SHA)


class GitRef(_Read):
    ref: str
    object: GitObject


class GitCommit(_Read):
    sha: str = Field(pattern=SHA)
    tree: GitObject
    html_url: str = ""


class TreeEntry(_Read):
    path: str
    mode: str
    type: str
    sha: str


class GitTree(_Read):
    sha: str = Field(pattern=SHA)
    tree: list[TreeEntry]
    truncated: bool = False
