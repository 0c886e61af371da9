"""The two-job mode for fork PRs.

A `pull_request` run from a fork gets a read-only token, so it cannot comment. Job 1 (on
`pull_request`, read-only, executes nothing from the PR) writes the review plan to a file that is
uploaded as an artifact; job 2 (on `workflow_run`, in the base repository's context, with a write
token) downloads it and posts it. Job 1 ran a workflow the PR author could edit, so job 2 trusts
nothing in the artifact: it is validated against its closed schema (bot/github/plan.py), and it may
only post to the pull request that belongs to the run that produced it, checked here against
GitHub's own answers (the `workflow_run` payload and the PR as the API returns it).
"""

from __future__ import annotations

from bot.github.events import WorkflowRunEvent
from bot.github.models import PullRequest
from bot.github.plan import PlanError, ReviewPlan

POSTABLE_RUN_EVENTS = ("pull_request",)


def check_run(event: WorkflowRunEvent) -> None:
    if event.workflow_run.event not in POSTABLE_RUN_EVENTS:
        raise PlanError(
            f"the workflow run was triggered by '{event.workflow_run.event}', not a pull request: "
            "nothing to post (guard the job with `if: github.event.workflow_run.event == 'pull_request'`)"
        )


def check_plan_against_run(plan: ReviewPlan, event: WorkflowRunEvent) -> None:
    repository = event.repository.full_name
    if plan.repository.lower() != repository.lower():
        raise PlanError(
            f"the review artifact is for {plan.repository}, but this workflow runs in {repository}"
        )
    if plan.head_sha != event.workflow_run.head_sha:
        raise PlanError(
            f"the review artifact is for commit {plan.head_sha[:12]}, but the run that produced it "
            f"built {event.workflow_run.head_sha[:12]}: refusing to post"
        )


def check_pull_request(plan: ReviewPlan, event: WorkflowRunEvent, pr: PullRequest) -> None:
    """The PR the artifact names must be the one the run built: same head SHA, same base repo,
    and (when GitHub says) the same head repository."""
    run = event.workflow_run
    if pr.head.sha != run.head_sha:
        raise PlanError(
            f"pull request #{pr.number} is at {pr.head.sha[:12]}, not at the run's head {run.head_sha[:12]} "
            "(it was pushed to since, or the artifact names another PR): refusing to post"
        )
    base = pr.base.repo.full_name if pr.base.repo else ""
    if base.lower() != event.repository.full_name.lower():
        raise PlanError(f"pull request #{pr.number} targets {base or 'an unknown repository'}, not this one")
    built = run.head_repository.full_name if run.head_repository else None
    source = pr.head.repo.full_name if pr.head.repo else None
    if built and source and built.lower() != source.lower():
        raise PlanError(
            f"pull request #{pr.number} comes from {source}, but the run built {built}: refusing to post"
        )
