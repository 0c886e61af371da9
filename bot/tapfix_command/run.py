"""One `/tapfix` comment, from the event to the reply.

1. Ignore (no request at all) everything but a new comment on a pull request, by a person, whose
   first line is a `/tapfix` command.
2. `help` and unknown sub-commands: a reaction and the help.
3. Ask GitHub for the commenter's permission; below write, a polite reply and nothing else.
4. React with 👀, read the PR and its changed files *at the head SHA through the API* (the
   workspace of an `issue_comment` run is the default branch; nothing from the PR is executed),
   compute the verified fixes, and either reply with the patch (`diff`, or when tapfix cannot push)
   or commit them on top of that exact SHA and reply with the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from bot.github.api import PullRequestApi
from bot.github.client import GitHubClient, GitHubError
from bot.github.commit import BranchMoved, CannotPush, GitData, NotRegularFile, UnsafePath, commit_files
from bot.github.diff import parse_file_diff
from bot.github.events import IssueCommentEvent
from bot.github.inputs import ActionInputs, run_config
from bot.github.models import CollaboratorPermission, PullRequest
from bot.github.snapshot import build, reviewed_files
from bot.markdown_text import escape
from bot.tapfix_command import reply
from bot.tapfix_command.fixes import FixSet, compute
from bot.tapfix_command.parse import Command, Kind, parse
from bot.tapfix_command.patch import git_patch, has_crlf
from fixers.api import Config, ConfigError

WRITE_ROLES = ("admin", "maintain", "write")
ACK_REACTION = "eyes"
GITHUB_TOKEN_LOGIN = "github-actions[bot]"


class Outcome(StrEnum):
    IGNORED = "ignored"
    HELP = "help"
    REFUSED = "refused"
    CLOSED = "closed"
    NOTHING = "nothing-to-fix"
    PATCH = "patch"
    COMMITTED = "committed"
    MOVED = "branch-moved"
    FAILED = "failed"


@dataclass
class Result:
    outcome: Outcome
    note: str = ""  # one line for the log
    commit: str = ""
    reply: str = ""  # the Markdown posted
    reply_url: str = ""


@dataclass
class Context:
    client: GitHubClient
    inputs: ActionInputs
    workspace: Path | None  # the default branch's checkout, for .tapfix.yml only
    server: str
    run_url: str | None = None


def ignored_because(event: IssueCommentEvent, bot_login: str) -> str | None:
    """Why this event is not a command to run, or None when it is one."""
    if event.action != "created":
        return f"the comment was {event.action or 'changed'}, not created"
    if not event.on_pull_request:
        return "the comment is on an issue, not a pull request"
    user = event.comment.user
    if user.type == "Bot" or user.login.endswith("[bot]") or user.login.lower() == bot_login.lower():
        return f"the comment is by a bot ({user.login})"
    if parse(event.comment.body) is None:
        return "the comment is not a /tapfix command"
    return None


def handle(event: IssueCommentEvent, ctx: Context) -> Result:
    why = ignored_because(event, ctx.inputs.bot_login)
    if why is not None:
        return Result(Outcome.IGNORED, why)
    command = parse(event.comment.body)
    assert command is not None
    api = PullRequestApi(ctx.client, event.repository.full_name, event.issue.number, ctx.inputs.bot_login)
    mark = reply.marker(event.comment.id)
    if command.kind == Kind.HELP:
        _react(ctx, event)
        return _post(
            api,
            mark,
            Result(Outcome.HELP, "replied with the help", reply=reply.help_text(mark, command.problem)),
        )

    login = event.comment.user.login
    try:
        allowed, permission = _permission(ctx.client, event.repository.full_name, login)
    except GitHubError as exc:
        _report_failure(
            api, mark, f"tapfix could not check the permission of {login}: GitHub answered: {exc}", ctx
        )
        raise
    if not allowed:
        body = reply.refused(mark, event.repository.full_name, login, permission)
        return _post(
            api, mark, Result(Outcome.REFUSED, f"{login} has {permission or 'no'} access", reply=body)
        )

    _react(ctx, event)
    try:
        return _run(event, ctx, api, command, mark)
    except GitHubError as exc:
        _report_failure(api, mark, f"GitHub answered: {exc}", ctx)
        raise
    except ConfigError as exc:
        _report_failure(api, mark, f"the default branch's tapfix config is invalid: {exc}", ctx)
        raise


def _report_failure(api: PullRequestApi, mark: str, error: str, ctx: Context) -> None:
    """Never fail silently: the commenter learns it failed (if the token may still comment)."""
    try:
        _post(api, mark, Result(Outcome.FAILED, error, reply=reply.failed(mark, error, ctx.run_url)))
    except GitHubError:
        pass  # the original error is the one the job reports


def _run(event: IssueCommentEvent, ctx: Context, api: PullRequestApi, command: Command, mark: str) -> Result:
    pr = api.get()
    where = _where(ctx, pr)
    if pr.state != "open":
        return _post(
            api, mark, Result(Outcome.CLOSED, "the pull request is closed", reply=reply.closed(mark))
        )
    config = _config(ctx)
    diffs = {f.filename: parse_file_diff(f) for f in api.files()}
    changed = reviewed_files(diffs.values(), ctx.inputs.paths, config.exclude, ctx.inputs.folder)
    targets = {d.path for d in changed.values() if d.status != "removed" and d.path.endswith(".tf")}
    if not targets:
        body = reply.nothing_to_fix(
            mark, command, FixSet(), where, "this pull request changes no `.tf` files."
        )
        return _post(api, mark, Result(Outcome.NOTHING, "no changed .tf files", reply=body))

    snapshots = build(changed, None, api, pr.head.sha, pr.base.sha)
    fixes = compute(snapshots.head, targets, config, command.rules, command.unsafe)
    if fixes.refused:
        path, why = next(iter(sorted(fixes.refused.items())))
        error = f"A fix would write {path}, which tapfix refuses: {why}. No fix was applied"
        body = reply.failed(mark, error, ctx.run_url)
        return _post(api, mark, Result(Outcome.FAILED, "a fix would write outside its module", reply=body))
    if not fixes.files:
        why = (
            "no finding in the changed files has a fix tapfix may apply"
            + (" for " + ", ".join(command.rules) if command.rules else "")
            + "."
        )
        off = [r for r in command.rules if not config.rule_enabled(r)]
        if off:
            why += f" {', '.join(off)} {'is' if len(off) == 1 else 'are'} turned off in the default branch's `.tapfix.yml`."
        body = reply.nothing_to_fix(mark, command, fixes, where, why)
        return _post(api, mark, Result(Outcome.NOTHING, "no applicable fix", reply=body))
    if command.kind == Kind.DIFF:
        return _patch_reply(api, mark, command, fixes, where, "", "replied with the patch (diff)")

    cannot = _cannot_push(pr)
    if cannot is not None:
        return _patch_reply(api, mark, command, fixes, where, cannot, "replied with the patch: a fork")
    git = GitData(ctx.client, where.head_repository)
    message = reply.commit_message(command, fixes, event.comment.user.login, event.comment.html_url)
    try:
        written = commit_files(git, pr.head.ref, pr.head.sha, fixes.files, message)
    except BranchMoved as exc:
        body = reply.branch_moved(mark, command, where, exc.actual)
        return _post(api, mark, Result(Outcome.MOVED, str(exc), reply=body))
    except CannotPush as exc:
        reason = (
            f"tapfix cannot push to {escape(where.head_repository)} ({escape(str(exc))}): for a branch of "
            "this repository, give the workflow `permissions: contents: write`."
        )
        return _patch_reply(api, mark, command, fixes, where, reason, f"replied with the patch: {exc}")
    except UnsafePath as exc:
        body = reply.failed(mark, f"tapfix refuses to write {exc}", ctx.run_url)
        return _post(api, mark, Result(Outcome.FAILED, "a path tapfix does not write", reply=body))
    except NotRegularFile as exc:
        reason = f"tapfix does not write through links: {escape(str(exc))}."
        return _patch_reply(api, mark, command, fixes, where, reason, f"replied with the patch: {exc}")
    token_note = ctx.inputs.bot_login.lower() == GITHUB_TOKEN_LOGIN
    body = reply.committed(mark, command, fixes, where, written.sha, event.comment.user.login, token_note)
    return _post(
        api, mark, Result(Outcome.COMMITTED, f"committed {written.sha}", commit=written.sha, reply=body)
    )


def _cannot_push(pr: PullRequest) -> str | None:
    """Why a commit to the PR branch is known to be impossible before trying, or None."""
    if pr.head.repo is None:
        return "The repository this pull request comes from was deleted, so tapfix cannot push to it."
    if pr.from_fork and not pr.maintainer_can_modify:
        return (
            f"This pull request comes from the fork {escape(pr.head.repo.full_name)}, which does not allow "
            "edits by maintainers, so tapfix cannot push to it."
        )
    return None


def _patch_reply(
    api: PullRequestApi,
    mark: str,
    command: Command,
    fixes: FixSet,
    where: reply.Where,
    reason: str,
    note: str,
) -> Result:
    patch = git_patch(fixes.files, fixes.originals)
    crlf = has_crlf(fixes.files, fixes.originals)
    body = reply.as_patch(mark, command, fixes, where, patch, reason, crlf)
    return _post(api, mark, Result(Outcome.PATCH, note, reply=body))


def _permission(client: GitHubClient, repository: str, login: str) -> tuple[bool, str]:
    """(may the user make tapfix commit, the role GitHub names). `author_association` is only a
    hint (MEMBER is organisation membership, not write access): GitHub is asked."""
    try:
        data = client.get(f"/repos/{repository}/collaborators/{quote(login)}/permission")
    except GitHubError as exc:
        if exc.status == 404:
            return False, ""
        raise
    permission = CollaboratorPermission.model_validate(data)
    role = permission.role_name or permission.permission
    return permission.permission in ("admin", "write") or role in WRITE_ROLES, role


def _react(ctx: Context, event: IssueCommentEvent) -> None:
    """👀 on the comment at once. A token that may not react can still reply: not fatal."""
    path = f"/repos/{event.repository.full_name}/issues/comments/{event.comment.id}/reactions"
    try:
        ctx.client.request("POST", path, json={"content": ACK_REACTION}, idempotent=True)
    except GitHubError:
        pass


def _post(api: PullRequestApi, mark: str, result: Result) -> Result:
    comment = api.create_issue_comment(result.reply, mark)
    result.reply_url = comment.html_url
    return result


def _where(ctx: Context, pr: PullRequest) -> reply.Where:
    head_repository = (
        pr.head.repo.full_name if pr.head.repo else pr.base.repo.full_name if pr.base.repo else ""
    )
    return reply.Where(ctx.server, head_repository, pr.head.ref, pr.head.sha)


def _config(ctx: Context) -> Config:
    """The default branch's `.tapfix.yml` (or the `config` input): a PR cannot change what
    /tapfix does by editing its own config."""
    if ctx.workspace is None:
        return Config()
    return run_config(ctx.inputs, ctx.workspace)
