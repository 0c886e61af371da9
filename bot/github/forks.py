"""The two-job mode for fork PRs.

A `pull_request` run from a fork gets a read-only token, so it cannot comment. Job 1 (on
`pull_request`, read-only) reviews the PR for its job summary and SARIF file and writes a small
artifact naming the pull request and the commit it reviewed; job 2 (on `workflow_run`, in the base
repository's context, with a write token) posts the review.

Job 1 ran a workflow the PR's author can edit, so its artifact says whatever they like. Job 2
therefore takes nothing from it that it can work out itself: it reads the PR's files through the
API at the head commit of the run that triggered it and computes the review again (tapfix only
reads files, it never executes anything from the PR, so this is safe in a job holding a write
token). The one value it still needs, the pull request's number (GitHub leaves `pull_requests`
empty in a `workflow_run` payload for a fork's PR), is only believed when GitHub's own answers
agree: the PR the API returns for that number has the run's head commit, head repository and head
branch and targets this repository. A value GitHub does not give (a deleted fork's repository, a
run without a head branch) fails closed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.github.events import WorkflowRunEvent
from bot.github.models import FULL_NAME, SHA, PullRequest
from bot.github.plan import ReviewPlan

POSTABLE_RUN_EVENTS = ("pull_request",)
ARTIFACT_VERSION = 2
MAX_ARTIFACT_BYTES = 8 * 1024 * 1024  # version 1 artifacts held the whole review


class ArtifactError(Exception):
    """The artifact or the run cannot be trusted to name the pull request: nothing is posted."""


class ReviewArtifact(BaseModel):
    """What job 1 hands to job 2. Fields of older versions (version 1 carried the whole review) are
    ignored: job 2 computes the review itself."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    tool: Literal["tapfix"] = "tapfix"
    schema_version: Literal[1, 2] = ARTIFACT_VERSION
    repository: str = Field(pattern=FULL_NAME, max_length=200)
    pull_number: int = Field(ge=1, le=100_000_000)
    head_sha: str = Field(pattern=SHA)


def artifact_of(plan: ReviewPlan) -> ReviewArtifact:
    return ReviewArtifact(repository=plan.repository, pull_number=plan.pull_number, head_sha=plan.head_sha)


def write_artifact(plan: ReviewPlan, path: Path, workspace: Path | None = None) -> None:
    """Never through a link the pull request put in `workspace`."""
    from bot.safe_write import Refused, WriteFailed, stage_output, write_all

    data = (artifact_of(plan).model_dump_json(indent=1) + "\n").encode("utf-8")
    try:
        write_all([stage_output(path, data, workspace)])
    except (Refused, WriteFailed) as exc:
        raise ArtifactError(f"review-artifact: {exc}") from None


def read_artifact(path: Path) -> ReviewArtifact:
    """The artifact file: size-limited, JSON, the fields job 2 checks."""
    try:
        if path.stat().st_size > MAX_ARTIFACT_BYTES:
            raise ArtifactError(
                f"{path}: the review artifact is larger than {MAX_ARTIFACT_BYTES // 1048576} MiB"
            )
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ArtifactError(f"{path}: cannot read the review artifact: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{path}: the review artifact is not JSON: {exc}") from None
    try:
        return ReviewArtifact.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ArtifactError(
            f"{path}: the review artifact does not match its schema ({exc.error_count()} problems; "
            f"first: {where}: {first['msg']})"
        ) from None


def check_run(event: WorkflowRunEvent) -> None:
    if event.workflow_run.event not in POSTABLE_RUN_EVENTS:
        raise ArtifactError(
            f"the workflow run was triggered by '{event.workflow_run.event}', not a pull request: "
            "nothing to post (guard the job with `if: github.event.workflow_run.event == 'pull_request'`)"
        )


def check_artifact_against_run(artifact: ReviewArtifact, event: WorkflowRunEvent) -> None:
    repository = event.repository.full_name
    if artifact.repository.lower() != repository.lower():
        raise ArtifactError(
            f"the review artifact is for {artifact.repository}, but this workflow runs in {repository}"
        )
    if artifact.head_sha != event.workflow_run.head_sha:
        raise ArtifactError(
            f"the review artifact is for commit {artifact.head_sha[:12]}, but the run that produced it "
            f"built {event.workflow_run.head_sha[:12]}: refusing to post"
        )
    # GitHub matches these by branch name only: a listed PR counts when it is at the run's commit.
    run = event.workflow_run
    listed = [p.number for p in run.pull_requests if p.head is not None and p.head.sha == run.head_sha]
    if listed and artifact.pull_number not in listed:
        raise ArtifactError(
            f"the review artifact names pull request #{artifact.pull_number}, but the run belongs to "
            f"#{', #'.join(map(str, listed))}: refusing to post"
        )


def check_pull_request(artifact: ReviewArtifact, event: WorkflowRunEvent, pr: PullRequest) -> None:
    """The PR the artifact names must be the one the run built, by GitHub's own account: same
    number, head commit, head repository and head branch, and it targets this repository. Each of
    these GitHub must state; a missing one refuses."""
    run = event.workflow_run
    number = f"pull request #{artifact.pull_number}"
    if pr.number != artifact.pull_number:
        raise ArtifactError(f"GitHub answered with #{pr.number} for {number}: refusing to post")
    if pr.head.sha != run.head_sha:
        raise ArtifactError(
            f"{number} is at {pr.head.sha[:12]}, not at the run's head {run.head_sha[:12]} "
            "(it was pushed to since, or the artifact names another PR): refusing to post"
        )
    base = pr.base.repo.full_name if pr.base.repo else ""
    if base.lower() != event.repository.full_name.lower():
        raise ArtifactError(f"{number} targets {base or 'an unknown repository'}, not this one")
    built = run.head_repository.full_name if run.head_repository else None
    source = pr.head.repo.full_name if pr.head.repo else None
    if built is None or source is None:
        missing = "the run's head repository" if built is None else f"the head repository of {number}"
        raise ArtifactError(
            f"GitHub does not say {missing} (a deleted fork?), so the artifact cannot be matched to the "
            "run: refusing to post"
        )
    if built.lower() != source.lower():
        raise ArtifactError(f"{number} comes from {source}, but the run built {built}: refusing to post")
    if not run.head_branch or run.head_branch != pr.head.ref:
        raise ArtifactError(
            f"{number} comes from the branch {pr.head.ref or '(none)'}, but the run built "
            f"{run.head_branch or '(no branch)'}: refusing to post"
        )
