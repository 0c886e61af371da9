"""The Markdown of `/tapfix` replies and the commit message.

Everything that comes from the repository or the comment (paths, resources, fix descriptions,
verification failures, logins, branch names, the words typed) goes through bot/markdown_text.py;
rule IDs, names and docs links come from tapfix's own catalog.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote

from bot import rule_catalog
from bot.markdown_text import cell_code, code, escape, fence, unlinked
from bot.tapfix_command.fixes import FixSet, Item, Skipped, SkipReason
from bot.tapfix_command.parse import Command

MAX_BODY = 65_536  # GitHub's limit for a comment body
MAX_ROWS = 40  # per table; the rest are counted
_MARKER_PREFIX = "<!-- tapfix:v1 command="

_WHY = {
    SkipReason.UNSAFE: "unsafe: the fix changes behaviour; `/tapfix --unsafe` applies it",
    SkipReason.DISPLAY_ONLY: "the fix is for reading only, never applied automatically",
    SkipReason.FAILED_VERIFICATION: "the fix failed verification",
    SkipReason.NOT_APPLIED: "left for the next run: run `/tapfix` again",
}


@dataclass(frozen=True)
class Where:
    """Where the PR branch lives, for links and instructions."""

    server: str  # https://github.com
    head_repository: str
    branch: str
    head_sha: str

    def blob(self, sha: str, path: str, line: int | None = None) -> str:
        anchor = f"#L{line}" if line else ""
        return f"{self.server}/{self.head_repository}/blob/{sha}/{quote(path, safe='/')}{anchor}"

    def commit(self, sha: str) -> str:
        return f"{self.server}/{self.head_repository}/commit/{sha}"


def marker(comment_id: int) -> str:
    """Unique to this reply, so a reply that got a 5xx is found again instead of posted twice."""
    return f"{_MARKER_PREFIX}{comment_id} reply={secrets.token_hex(6)} -->"


# --- the commit ------------------------------------------------------------------------------


def commit_message(command: Command, fixes: FixSet, requester: str, comment_url: str) -> str:
    rules = sorted({i.rule_id for i in fixes.fixed})
    files = len(fixes.files)
    lines = [
        f"tapfix: fix {', '.join(rules)} in {files} file{'s' if files != 1 else ''}",
        "",
        *(f"- {i.rule_id} {_plain(i.resource)} ({_plain(i.path)})" for i in fixes.fixed),
        "",
        f"Requested by {_plain(requester)} with `{command.text}`"
        + (f": {comment_url}" if comment_url else ""),
    ]
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    """One line of a commit message: no control characters that could forge trailers, and no issue
    reference or mention (a file named `fixes #12.tf` would close issue 12 when the PR is merged)."""
    return unlinked("".join(c if c.isprintable() else " " for c in text))


# --- replies -----------------------------------------------------------------------------------


def committed(
    mark: str, command: Command, fixes: FixSet, where: Where, sha: str, requester: str, token_note: bool
) -> str:
    count = len(fixes.fixed)
    parts = [
        mark,
        f"### tapfix: {_fixes(count)} committed",
        "",
        f"{_commit_link(where, sha)} on {code(where.branch)}, on top of {code(where.head_sha[:7])}: "
        f"{code(command.text)} requested by {escape(requester)}. "
        f"{_files(len(fixes.files))} changed.",
        "",
        _fixed_table(fixes.fixed, where, where.head_sha),
        *_skipped_parts(fixes, where, sha),
    ]
    if token_note:
        parts += [
            "",
            "> [!NOTE]",
            "> Commits made with the workflow's `GITHUB_TOKEN` do not start new workflow runs, so checks"
            " do not run on this commit. Push another commit (or close and reopen the PR) to run them,"
            " or give tapfix an app or personal token (see tapfix's docs/tapfix-command.md).",
        ]
    return _body(parts)


def as_patch(
    mark: str, command: Command, fixes: FixSet, where: Where, patch: str, reason: str, crlf: bool
) -> str:
    """The fixes as a patch: for `/tapfix diff` (`reason` empty: the patch only), or instead of a
    commit tapfix could not make (`reason`, Markdown whose quoted parts are escaped, says why)."""
    head = f"### tapfix: {_fixes(len(fixes.fixed))} as a patch"
    apply = (
        f"Save the patch as `tapfix.patch` in a checkout of {code(where.branch)} at "
        f"{code(where.head_sha[:7])} and run `git apply tapfix.patch`."
    )
    if crlf:
        apply += " The patch keeps CRLF line endings: if copying it lost them, use `git apply --ignore-whitespace`."
    tail = (
        []
        if not reason
        else ["", _fixed_table(fixes.fixed, where, where.head_sha), *_skipped_parts(fixes, where, None)]
    )
    intro = [] if not reason else [reason + " Nothing was committed.", ""]
    parts = [mark, head, "", *intro, fence(patch, "diff"), "", apply, *tail]
    body = _body(parts)
    if len(body) <= MAX_BODY:
        return body
    local = f"tapfix fix{' --unsafe-fixes' if command.unsafe else ''}"
    if command.rules:
        local += f" --select {','.join(command.rules)}"
    too_long = (
        f"The patch ({len(patch):,} characters) does not fit in a comment. In a checkout of "
        f"{code(where.branch)} at {code(where.head_sha[:7])}, run {code(local)} on the changed files instead."
    )
    return _body([mark, head, "", *intro, too_long, *tail])


def nothing_to_fix(mark: str, command: Command, fixes: FixSet, where: Where, why: str) -> str:
    parts = [
        mark,
        "### tapfix: nothing to fix",
        "",
        f"{code(command.text)} at {code(where.head_sha[:7])}: {why}",
        *_skipped_parts(fixes, where, None),
    ]
    return _body(parts)


def branch_moved(mark: str, command: Command, where: Where, actual: str) -> str:
    now = f"is now at {code(actual[:7])}"
    return _body(
        [
            mark,
            "### tapfix: the branch moved, nothing was committed",
            "",
            f"{code(where.branch)} {now}, not at {code(where.head_sha[:7])} where tapfix computed the fixes."
            f" Nothing was written. Run {code(command.text)} again to fix the new head.",
        ]
    )


def closed(mark: str) -> str:
    return _body([mark, "### tapfix: this pull request is closed", "", "Nothing was changed."])


def refused(mark: str, repository: str, login: str, permission: str) -> str:
    has = f"has {escape(permission)} access" if permission else "has no access"
    return _body(
        [
            mark,
            "### tapfix: sorry, you cannot run this command",
            "",
            f"Only people with write, maintain or admin permission on {escape(repository)} can run "
            f"`/tapfix`; {escape(login)} {has}. A maintainer can run it for you, or you can apply the "
            "suggestions in the review yourself.",
        ]
    )


def failed(mark: str, error: str, run_url: str | None) -> str:
    log = f" See the [workflow run]({run_url}) for details." if run_url else ""
    return _body(
        [
            mark,
            "### tapfix: the command failed",
            "",
            f"Nothing was committed. {escape(error)}.{log}",
        ]
    )


def help_text(mark: str, problem: tuple[str, str] | None) -> str:
    parts = [mark]
    if problem:
        parts += [f"tapfix did not understand that: {escape(problem[0])} {code(problem[1])}.", ""]
    parts += [
        "### tapfix commands",
        "",
        "Comment on a pull request; the command is the first line of the comment.",
        "",
        "| Command | What it does |",
        "|---|---|",
        "| `/tapfix` | commits every safe, verified fix for the findings in this PR's changed files, "
        "in one commit on the PR branch |",
        "| `/tapfix TAP201 TAP211` | only those rules |",
        "| `/tapfix --unsafe` | also fixes that change behaviour (review them before merging) |",
        "| `/tapfix diff` | replies with the fixes as a patch and commits nothing (takes rules and `--unsafe` too) |",
        "| `/tapfix help` | this help |",
        "",
        "Only people with write, maintain or admin permission on the repository can make tapfix commit. "
        "Each fix is applied, parsed and rescanned before it is offered; `tapfix rules` lists the rule IDs.",
    ]
    return _body(parts)


# --- pieces ------------------------------------------------------------------------------------


def _fixes(count: int) -> str:
    return f"{count} fix{'es' if count != 1 else ''}"


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _commit_link(where: Where, sha: str) -> str:
    return f"[{code(sha[:7])}]({where.commit(sha)})"


def _rule(rule_id: str) -> str:
    return (
        f"[{rule_id}]({rule_catalog.docs_url(rule_id)})" if rule_catalog.find_rule(rule_id) else code(rule_id)
    )


def _cell(text: str) -> str:
    return escape(text) if text else ""


def _name(text: str) -> str:
    return cell_code(text) if text else ""


def _link(item: Item, where: Where, sha: str) -> str:
    return f"[{cell_code(f'{item.path}:{item.line}')}]({where.blob(sha, item.path, item.line)})"


def _fixed_table(items: list[Item], where: Where, sha: str) -> str:
    rows = ["| Fixed | Resource | File | Fix |", "|---|---|---|---|"]
    for item in items[:MAX_ROWS]:
        place = _link(item, where, sha)
        rows.append(
            f"| {_rule(item.rule_id)} | {_name(item.resource)} | {place} | {_cell(item.description)} |"
        )
    if len(items) > MAX_ROWS:
        rows.append(f"| … | {len(items) - MAX_ROWS} more | | |")
    return "\n".join(rows)


def _skipped_parts(fixes: FixSet, where: Where, sha: str | None) -> list[str]:
    """What was not fixed: a table for the changed files (lines are those of the fixed files, so
    they link to the new commit `sha` when there is one), then one line per kind of the rest."""
    listed = [
        s for s in fixes.skipped if s.reason not in (SkipReason.NO_FIX, SkipReason.OUTSIDE_CHANGED_FILES)
    ]
    outside = fixes.skipped_for(SkipReason.OUTSIDE_CHANGED_FILES)
    no_fix = fixes.skipped_for(SkipReason.NO_FIX)
    parts: list[str] = []
    if listed:
        rows = ["| Not fixed | Resource | File | Why |", "|---|---|---|---|"]
        for skipped in listed[:MAX_ROWS]:
            rows.append(
                f"| {_rule(skipped.item.rule_id)} | {_name(skipped.item.resource)} | "
                f"{_place(skipped.item, where, sha)} | {_why(skipped)} |"
            )
        if len(listed) > MAX_ROWS:
            rows.append(f"| … | {len(listed) - MAX_ROWS} more | | |")
        parts += ["", "\n".join(rows)]
    if outside:
        by_file: dict[str, list[str]] = {}
        for skipped in outside:
            by_file.setdefault(skipped.item.path, []).append(skipped.item.rule_id)
        listing = [
            f"- {code(path)}: {', '.join(_rule(r) for r in rules)}" for path, rules in sorted(by_file.items())
        ]
        parts += [
            "",
            f"<details><summary>{_count(len(outside), 'more finding')} with a fix in "
            f"{_count(len(by_file), 'file')} this PR does not change: left alone (<code>tapfix fix</code> "
            "applies them locally)</summary>",
            "",
            *listing[:MAX_ROWS],
            *([f"- … {len(listing) - MAX_ROWS} more files"] if len(listing) > MAX_ROWS else []),
            "",
            "</details>",
        ]
    if no_fix:
        rules = ", ".join(sorted({_rule(s.item.rule_id) for s in no_fix}))
        verb = "have" if len(no_fix) != 1 else "has"
        parts += [
            "",
            f"{_count(len(no_fix), 'more finding')} in the changed files {verb} no automatic fix ({rules}).",
        ]
    return parts


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _place(item: Item, where: Where, sha: str | None) -> str:
    return cell_code(item.path) if sha is None else _link(item, where, sha)


def _why(skipped: Skipped) -> str:
    why = _WHY.get(skipped.reason, skipped.reason.value)
    if skipped.reason == SkipReason.FAILED_VERIFICATION and skipped.detail:
        why += ": " + escape(skipped.detail)
    return why


def _body(parts: list[str]) -> str:
    return "\n".join(parts).rstrip() + "\n"
