"""The workflow event that started the run, read from `GITHUB_EVENT_PATH`.

Each event tapfix handles has a pydantic model declaring only the fields it reads; anything
malformed, missing or of an event tapfix does not handle is an `EventError` with one line saying
what is wrong (the action prints it and exits 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.github.models import SHA, PullRequest, Repo

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
MAX_EVENT_BYTES = 25 * 1024 * 1024


class EventError(Exception):
    pass


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PullRequestEvent(_Event):
    action: str = ""
    number: int | None = None
    pull_request: PullRequest
    repository: Repo


class RunHead(_Event):
    sha: str = ""


class RunPullRequest(_Event):
    number: int
    head: RunHead | None = None


class WorkflowRun(_Event):
    id: int
    event: str
    head_sha: str = Field(pattern=SHA)
    head_branch: str | None = None
    conclusion: str | None = None
    head_repository: Repo | None = None
    repository: Repo | None = None
    # The PRs GitHub associates with the run, matched by branch name in the base repository: empty
    # for a fork's PR, and it can list a base-repository PR whose branch has the same name.
    pull_requests: list[RunPullRequest] = []


class WorkflowRunEvent(_Event):
    action: str = ""
    workflow_run: WorkflowRun
    repository: Repo


class IssueLink(_Event):
    url: str = ""


class Issue(_Event):
    number: int = Field(ge=1)
    pull_request: IssueLink | None = None  # set only when the issue is a pull request


class CommentAuthor(_Event):
    login: str
    type: str = "User"  # "Bot" for apps and GitHub Actions


class Comment(_Event):
    id: int
    body: str | None = ""
    user: CommentAuthor
    author_association: str = ""
    html_url: str = ""


class IssueCommentEvent(_Event):
    """For the `/tapfix` command (built on this layer): a comment on an issue or a PR."""

    action: str = ""
    issue: Issue
    comment: Comment
    repository: Repo

    @property
    def on_pull_request(self) -> bool:
        return self.issue.pull_request is not None


class RepositoryScanEvent(_Event):
    """`push`, `schedule` and `workflow_dispatch`: the checked-out commit is scanned whole (code
    scanning of a branch). The commit is GITHUB_SHA; nothing else of the payload is needed, and a
    `schedule` payload may hold nothing but the cron line."""

    ref: str = ""
    deleted: bool = False  # a push that deleted its branch or tag: there is no commit to scan
    schedule: str | None = None
    repository: Repo | None = None


Event = PullRequestEvent | WorkflowRunEvent | IssueCommentEvent | RepositoryScanEvent
REPOSITORY_SCAN_EVENTS = ("push", "schedule", "workflow_dispatch")
_MODELS: dict[str, type[_Event]] = {
    "pull_request": PullRequestEvent,
    "pull_request_target": PullRequestEvent,
    "workflow_run": WorkflowRunEvent,
    "issue_comment": IssueCommentEvent,
    **dict.fromkeys(REPOSITORY_SCAN_EVENTS, RepositoryScanEvent),
}


def load_event(name: str | None, path: str | None, handled: tuple[str, ...] = tuple(_MODELS)) -> Event:
    """The event `name` read from the JSON file at `path`."""
    if not name:
        raise EventError("GITHUB_EVENT_NAME is not set: tapfix runs as a step of a GitHub Actions workflow")
    if name not in handled:
        raise EventError(
            f"event '{name}' is not handled: run tapfix on {', '.join(handled)} (see tapfix's docs/action.md)"
        )
    if not path:
        raise EventError("GITHUB_EVENT_PATH is not set")
    raw = _read(Path(path))
    try:
        return _MODELS[name].model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise EventError(f"{path}: not a valid '{name}' event payload: {where}: {first['msg']}") from None


def _read(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_EVENT_BYTES:
            raise EventError(f"{path}: event payload is larger than {MAX_EVENT_BYTES // 1048576} MiB")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EventError(f"{path}: cannot read the event payload: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise EventError(f"{path}: the event payload is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventError(
            f"{path}:{exc.lineno}:{exc.colno}: the event payload is not JSON: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise EventError(f"{path}: the event payload is not a JSON object")
    return data
