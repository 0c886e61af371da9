"""The GitHub Action's entry point (the container runs `python -m bot.action_main`).

- on `pull_request` / `pull_request_target`: review the PR (inline comments, suggestions, one
  summary comment), write the job summary, the SARIF file and the outputs; exit 1 when a reported
  finding is at or above `fail-on`. With `review-artifact` set, the review is written to that file
  for a posting job instead of being posted (the two-job mode for fork PRs).
- on `workflow_run`: the posting job of the two-job mode: the artifact only names the PR; once
  GitHub confirms it is the run's PR, the review is computed again from the PR's files at the run's
  head commit (read through the API) and posted.
- on `issue_comment`: the `/tapfix` command (bot/tapfix_command/): commit the verified fixes to the
  PR branch, or reply with them as a patch. Other comments are ignored without a single request.
- on `push`, `schedule` and `workflow_dispatch`: scan the checked-out commit's `working-directory`
  whole (code scanning of a branch): the SARIF file, the job summary and the outputs; no comments
  and no API request.

Exit codes: 0 done, 1 findings at or above `fail-on`, 2 a usage problem (bad event, no token,
bad input or config, an artifact that does not name the run's pull request) or an error talking to GitHub,
always as one line on stderr. The token is never printed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.github.api import PullRequestApi
from bot.github.client import DEFAULT_API_URL, GitHubClient, GitHubError
from bot.github.events import (
    REPOSITORY_SCAN_EVENTS,
    EventError,
    IssueCommentEvent,
    PullRequestEvent,
    RepositoryScanEvent,
    WorkflowRunEvent,
    load_event,
)
from bot.github.forks import (
    ArtifactError,
    check_artifact_against_run,
    check_pull_request,
    check_run,
    read_artifact,
    write_artifact,
)
from bot.github.inputs import (
    ActionInputs,
    InputError,
    inside,
    run_config,
    workspace,
    write_job_summary,
    write_outputs,
)
from bot.github.plan import ReviewPlan
from bot.github.publish import READ_ONLY_NOTE, Outcome, Settings, publish
from bot.github.render import Links, Placement, SummaryState, summary_markdown
from bot.github.review import Review, review_pull_request
from bot.safe_write import Refused, WriteFailed, stage_output, write_all
from bot.tapfix_command.run import Context as CommandContext
from bot.tapfix_command.run import handle as handle_command
from bot.tapfix_command.run import ignored_because
from bot.terminal_text import command_data, emit, visible
from fixers.api import ConfigError, ScanReport, Severity, collect_less, scan

HANDLED_EVENTS = (
    "pull_request",
    "pull_request_target",
    "workflow_run",
    "issue_comment",
    *REPOSITORY_SCAN_EVENTS,
)
ARTIFACT_NOTE = (
    "The review artifact names this PR and commit; the posting job reviews them again and comments on the PR."
)


class UsageError(Exception):
    pass


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    collect_less()
    if argv:
        _fail(env, f"unexpected arguments {argv!r}: configure tapfix with the action's inputs")
        return 2
    try:
        return _run(env)
    except (UsageError, EventError, InputError, ConfigError, ArtifactError) as exc:
        _fail(env, str(exc))
    except GitHubError as exc:
        _fail(env, f"GitHub API: {exc}")
    except Exception as exc:
        if env.get("TAPFIX_DEBUG"):
            raise
        _fail(env, f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
    return 2


def _fail(env: Mapping[str, str], message: str) -> None:
    """One line on stderr; in a workflow, an error annotation whose data is escaped as GitHub
    documents, so a path in the message cannot end the command or start another."""
    line = " ".join(message.split())
    if env.get("GITHUB_ACTIONS") == "true":
        print("::error title=tapfix::" + command_data(line), file=sys.stderr)
    else:
        print("tapfix: error: " + visible(line), file=sys.stderr)


def _log(env: Mapping[str, str], line: str) -> None:
    """A line for the job's log: what comes from the repository (paths, names) cannot start a
    workflow command there."""
    emit(visible(line), sys.stdout, env)


def _run(env: Mapping[str, str]) -> int:
    inputs = ActionInputs.from_env(env)
    event_name = env.get("GITHUB_EVENT_NAME")
    event = load_event(event_name, env.get("GITHUB_EVENT_PATH"), HANDLED_EVENTS)
    if isinstance(event, IssueCommentEvent) and (why := ignored_because(event, inputs.bot_login)):
        write_outputs(env, {"command-result": "ignored", "commit": ""})
        _log(env, f"tapfix: nothing to do: {why}")
        return 0
    if isinstance(event, RepositoryScanEvent):
        return _scan_repository(env, inputs, event, workspace(env))
    token = inputs.github_token or env.get("GITHUB_TOKEN", "")
    if not token:
        raise UsageError(
            "no GitHub token: set the `github-token` input (its default is `${{ github.token }}`)"
        )
    client = GitHubClient(
        token, api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL, graphql_url=env.get("GITHUB_GRAPHQL_URL")
    )
    root = workspace(env)
    settings = Settings(inputs.comment_mode, inputs.max_comments, inputs.bot_login)
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    if isinstance(event, WorkflowRunEvent):
        return _post_artifact(env, inputs, event, client, settings, root, server)
    if isinstance(event, IssueCommentEvent):
        return _command(env, inputs, event, client, root, server)
    assert isinstance(event, PullRequestEvent)
    return _review(env, inputs, event, event_name or "", client, settings, root, server)


def _review(
    env: Mapping[str, str],
    inputs: ActionInputs,
    event: PullRequestEvent,
    event_name: str,
    client: GitHubClient,
    settings: Settings,
    root: Path,
    server: str,
) -> int:
    config = run_config(inputs, root)
    pr = event.pull_request
    api = PullRequestApi(client, event.repository.full_name, pr.number, settings.bot_login)
    review = review_pull_request(
        api, pr, root, config, paths=inputs.paths, under=inputs.folder, report=inputs.report
    )
    plan = review.plan
    links = Links(server, plan.repository, plan.head_sha)

    if inputs.review_artifact:
        write_artifact(plan, inside(root, inputs.review_artifact, "review-artifact"), root)
        note: str | None = ARTIFACT_NOTE
    elif event_name == "pull_request" and pr.from_fork and settings.comment_mode != "off":
        note = READ_ONLY_NOTE
    else:
        note = None
    _deliver(env, inputs, api, review, settings, links, root, note)
    return _incomplete(env, review.head_report) or (1 if review.failing else 0)


def _deliver(
    env: Mapping[str, str],
    inputs: ActionInputs,
    api: PullRequestApi,
    review: Review,
    settings: Settings,
    links: Links,
    root: Path,
    not_posted: str | None,
) -> None:
    """Post the review (unless `not_posted` says why not), then write the job summary, the outputs
    and the SARIF file. The findings exist: a post that fails, for whatever reason, must not take
    those with it."""
    plan = review.plan
    if not_posted is not None:
        outcome = _not_posted(plan, not_posted)
    else:
        try:
            outcome = publish(api, plan, review.diffs, settings, links)
        except Exception as exc:
            failed = _not_posted(plan, _posting_failed(exc, bool(inputs.sarif_file)))
            _report(env, inputs, plan, failed, links, review.head_report, root)
            raise
    _report(env, inputs, plan, outcome, links, review.head_report, root)


def _scan_repository(
    env: Mapping[str, str], inputs: ActionInputs, event: RepositoryScanEvent, root: Path
) -> int:
    """Code scanning of a branch: every module under `working-directory` in the checked-out commit.
    Paths in the SARIF file and the job summary are relative to the workspace, the repository root."""
    from bot.formats import Context, render, visible
    from fixers.api import discover

    if event.deleted:
        write_outputs(env, _counts([]) | {"new-findings": "", "sarif-file": ""})
        _log(env, f"tapfix: nothing to scan: the push deleted {event.ref}")
        return 0
    config = run_config(inputs, root)
    directory = root / inputs.folder if inputs.folder else root
    if not directory.resolve().is_relative_to(root.resolve()):
        raise InputError(
            f"input 'working-directory' = {inputs.working_directory!r} points outside the workspace"
        )
    if not directory.is_dir():
        raise InputError(
            f"input 'working-directory' = {inputs.working_directory!r}: no such folder in the checked-out "
            "repository (is there an actions/checkout step before tapfix?)"
        )
    modules = discover([directory], root, config.exclude, boundary=root)  # nothing out of the checkout
    report = scan(modules, config) if modules else ScanReport(findings=[], errors=[], files=0, modules=0)

    commit = env.get("GITHUB_SHA", "")
    where = f"`{inputs.folder}/`" if inputs.folder else "the repository"
    scanned = (
        f"Commit `{commit[:7]}`: {where}, {len(modules)} modules."
        if commit
        else f"{where}: {len(modules)} modules."
    )
    summary = render("markdown", report, Context(version=_version(), fail_on=config.fail_on))
    write_job_summary(env, summary.rstrip("\n") + "\n\n" + scanned + "\n")
    shown = visible(report)
    outputs = _counts(shown) | {"new-findings": "", "sarif-file": ""}
    if inputs.sarif_file:
        _write_sarif(report, inside(root, inputs.sarif_file, "sarif-file"), root)
        outputs["sarif-file"] = inputs.sarif_file
    write_outputs(env, outputs)
    _log(env, f"tapfix: {len(shown)} findings in {len(modules)} modules of {where}")
    return _incomplete(env, report) or (
        1 if any(f.severity.rank >= config.fail_on.rank for f in shown) else 0
    )


def _incomplete(env: Mapping[str, str], report: ScanReport) -> int:
    """2 when a rule could not finish (it crashed, or ran out of its time budget), whatever
    `fail-on` says: the report of the rest is written, but its silence cannot be trusted. Else 0."""
    from bot.formats import tool_failures

    if failures := tool_failures(report.errors):
        _fail(env, f"incomplete scan: {failures[0].path}: {failures[0].message}")
        return 2
    return 0


def _counts(findings: list) -> dict[str, str]:
    counts = {s.value: str(sum(1 for f in findings if f.severity == s)) for s in Severity}
    return counts | {"findings": str(len(findings))}


def _post_artifact(
    env: Mapping[str, str],
    inputs: ActionInputs,
    event: WorkflowRunEvent,
    client: GitHubClient,
    settings: Settings,
    root: Path,
    server: str,
) -> int:
    """The posting job of the two-job mode (bot/github/forks.py): the artifact only names the pull
    request, checked against the run and the API; the review is computed here from the PR's files
    at the run's head commit, read through the API (the workspace is the default branch, whose
    `.tapfix.yml` applies)."""
    if not inputs.review_artifact:
        raise UsageError("a workflow_run job posts a review artifact: set the `review-artifact` input")
    check_run(event)
    artifact = read_artifact(inside(root, inputs.review_artifact, "review-artifact"))
    check_artifact_against_run(artifact, event)
    api = PullRequestApi(client, event.repository.full_name, artifact.pull_number, settings.bot_login)
    pr = api.get()
    check_pull_request(artifact, event, pr)
    config = run_config(inputs, root)
    review = review_pull_request(
        api, pr, None, config, paths=inputs.paths, under=inputs.folder, report=inputs.report
    )
    links = Links(server, review.plan.repository, review.plan.head_sha)
    _deliver(env, inputs, api, review, settings, links, root, None)
    return 0


def _command(
    env: Mapping[str, str],
    inputs: ActionInputs,
    event: IssueCommentEvent,
    client: GitHubClient,
    root: Path,
    server: str,
) -> int:
    """`/tapfix`: 0 whenever the commenter got an answer (a commit, a patch, a refusal, the help)."""
    run_id = env.get("GITHUB_RUN_ID")
    run_url = f"{server}/{event.repository.full_name}/actions/runs/{run_id}" if run_id else None
    context = CommandContext(client, inputs, root if root.is_dir() else None, server, run_url)
    result = handle_command(event, context)
    write_outputs(env, {"command-result": result.outcome.value, "commit": result.commit})
    if result.reply:
        write_job_summary(env, result.reply)
    _log(
        env,
        f"tapfix: /tapfix {result.outcome.value}: {result.note}"
        + (f" ({result.reply_url})" if result.reply_url else ""),
    )
    return 0


def _posting_failed(exc: Exception, sarif: bool) -> str:
    if isinstance(exc, GitHubError):
        answer = f"HTTP {exc.status}" if exc.status else "a network error"
        what = f"{exc.method} {exc.path}: {answer}"
    else:
        what = f"internal error: {type(exc).__name__}"
    where = " and in the SARIF file" if sarif else ""
    return (
        f"Posting the review failed ({what}), so this job summary{where} "
        "lists every finding. Re-run the job to post it; comments already posted are kept, not repeated."
    )


def _not_posted(plan: ReviewPlan, note: str) -> Outcome:
    state = SummaryState(
        placements={f.fingerprint: Placement.NOT_POSTED for f in plan.findings}, notes=[note]
    )
    return Outcome(state)


def _report(
    env: Mapping[str, str],
    inputs: ActionInputs,
    plan: ReviewPlan,
    outcome: Outcome,
    links: Links,
    head_report: ScanReport | None,
    root: Path,
) -> None:
    outputs = _counts(plan.findings)
    outputs["new-findings"] = str(sum(1 for f in plan.findings if f.status == "new"))
    outputs["sarif-file"] = ""
    refused = None
    if inputs.sarif_file and head_report is not None:
        target = inside(root, inputs.sarif_file, "sarif-file")
        try:
            _write_sarif(head_report, target, root)
            outputs["sarif-file"] = inputs.sarif_file
        except (Refused, WriteFailed) as exc:
            refused = f"sarif-file: {exc}"
    write_job_summary(env, summary_markdown(plan, outcome.state, links, limit=1_000_000).split("\n", 1)[1])
    write_outputs(env, outputs)
    if refused:
        raise UsageError(refused)
    posted = f"{outcome.posted} inline comments posted, {outcome.kept} kept, {outcome.fixed} marked fixed"
    _log(env, f"tapfix: {outputs['findings']} findings reported ({outputs['new-findings']} new); {posted}")


def _write_sarif(report: ScanReport, target: Path, root: Path) -> None:
    from bot.formats import Context
    from bot.formats.sarif import document

    cwd = Path.cwd()
    try:
        os.chdir(root)  # SARIF locations are relative to %SRCROOT%, the working directory
        sarif = document(report, Context(version=_version()))
    finally:
        os.chdir(cwd)
    data = (json.dumps(sarif, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_all([stage_output(target, data, base=root)])


def _version() -> str:
    try:
        return version("tapfix")
    except PackageNotFoundError:
        return "0.0.0"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
