"""Markdown for the review: inline comment bodies, the review body, the summary comment and the
job summary. Every value that comes from the repository or the plan goes through
bot/markdown_text.py; rule names, explanations and docs links come from tapfix's own catalog."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote

from bot import rule_catalog
from bot.github.fingerprints import SUMMARY, finding_marker
from bot.github.plan import NoteCode, PlannedFinding, ReviewPlan
from bot.markdown_text import cell_code, code, escape, fence, html_text, shown_lines
from bot.terminal_text import has_hidden
from fixers.api import Applicability, Severity

MAX_BODY = 65_536  # GitHub's limit for comment and review bodies
MAX_JOB_SUMMARY = 1_000_000  # $GITHUB_STEP_SUMMARY is dropped whole above 1 MiB
_SEVERITY_ORDER = sorted(Severity, key=lambda s: -s.rank)


class Placement(StrEnum):
    INLINE = "inline"
    KEPT = "kept"  # an inline comment from an earlier run that still applies
    OUTSIDE_DIFF = "outside-diff"
    NO_PATCH = "no-patch"  # GitHub sent no diff for the file (too large or binary)
    REJECTED = "rejected"  # GitHub answered 422 for this inline comment
    CAPPED = "capped"  # over max-comments
    SUMMARY_ONLY = "summary-only"  # comment-mode: summary
    NOT_POSTED = "not-posted"  # commenting is off, or the token cannot write
    PREEXISTING = "preexisting"  # report: all, a finding also on the base branch


_WHERE = {
    Placement.INLINE: "inline comment",
    Placement.KEPT: "inline comment",
    Placement.OUTSIDE_DIFF: "not on the diff",
    Placement.NO_PATCH: "no diff from GitHub for this file",
    Placement.REJECTED: "GitHub rejected the inline comment",
    Placement.CAPPED: "over max-comments",
    Placement.SUMMARY_ONLY: "summary only",
    Placement.NOT_POSTED: "not posted",
    Placement.PREEXISTING: "pre-existing",
}


@dataclass
class Links:
    server_url: str  # e.g. https://github.com
    repository: str
    head_sha: str

    def blob(self, path: str, line: int | None = None) -> str:
        anchor = f"#L{line}" if line else ""
        return f"{self.server_url}/{self.repository}/blob/{self.head_sha}/{quote(path, safe='/')}{anchor}"


@dataclass
class SummaryState:
    placements: dict[str, Placement] = field(default_factory=dict)  # fingerprint -> placement
    comment_urls: dict[str, str] = field(default_factory=dict)  # fingerprint -> inline comment URL
    fixed: int = 0  # inline comments marked fixed on this run
    notes: list[str] = field(default_factory=list)  # Markdown notes written by tapfix itself


# --- inline comments ---------------------------------------------------------------------------


def _rule_line(f: PlannedFinding) -> str:
    rule = rule_catalog.find_rule(f.rule_id)
    name = f" · {escape(rule.name)}" if rule else ""
    return f"**[{f.rule_id}]({rule_catalog.docs_url(f.rule_id)}){name}** · severity **{f.severity.value}**"


def _why(f: PlannedFinding) -> str:
    rule = rule_catalog.find_rule(f.rule_id)
    return f"\n> {escape(rule.why)}\n" if rule and rule.why else ""


def _fix_heading(f: PlannedFinding) -> str:
    assert f.fix is not None
    label = {
        Applicability.SAFE: "safe",
        Applicability.UNSAFE: "unsafe: it changes behaviour, review before committing",
        Applicability.DISPLAY_ONLY: "for reading: not applied automatically",
    }[f.fix.applicability]
    return f"**Suggested fix** ({label}): {escape(f.fix.description)}"


def _how_to_apply(f: PlannedFinding) -> str:
    """The line under a fix shown as a patch: the `/tapfix` command that commits it."""
    assert f.fix is not None
    if f.fix.applicability is Applicability.DISPLAY_ONLY:
        return "tapfix does not apply this fix: edit the file by hand."
    command = f"/tapfix {f.rule_id}" + (" --unsafe" if f.fix.applicability is Applicability.UNSAFE else "")
    return (
        f"Comment {code(command)} to commit it, with the other {f.rule_id} fixes of this PR "
        "(`tapfix fix` applies it locally)."
    )


def comment_body(f: PlannedFinding, with_suggestion: bool) -> str:
    parts = [finding_marker(f.fingerprint), _rule_line(f), "", escape(f.message), _why(f)]
    # A suggestion is committed as written, so it cannot show a bidi or zero-width character
    # escaped: one that holds any is shown as the patch instead, where it is escaped.
    suggestion = f.fix.suggestion if f.fix is not None and with_suggestion else None
    hidden = suggestion is not None and has_hidden(suggestion.content)
    if f.fix is not None and suggestion is not None and not hidden:
        parts += [_fix_heading(f), "", fence(suggestion.content + "\n", "suggestion")]
    elif f.fix is not None and f.fix.patch:
        why = " (it holds hidden characters, shown escaped)" if hidden else ""
        parts += [
            _fix_heading(f) + why + ":",
            "",
            fence(shown_lines(f.fix.patch), "diff"),
            "",
            _how_to_apply(f),
        ]
    elif f.fix_rejected:
        parts.append(f"No automatic fix: {escape(f.fix_rejected)}")
    body = "\n".join(parts).rstrip() + "\n"
    if len(body) > MAX_BODY:
        body = (
            "\n".join([*parts[:5], "(The fix is too large to show here: run `tapfix fix` locally.)"]) + "\n"
        )
    return body


def fixed_body(original: str, fingerprint: str, head_sha: str, state: str) -> str:
    """The comment of a finding that is gone: marked, with the old text folded away."""
    rest = original.split("\n", 1)[1] if "\n" in original else ""
    headline = {
        "fixed": f"✅ **Fixed** at {code(head_sha[:7])}: tapfix no longer reports this.",
        "suppressed": f"☑️ **Suppressed** at {code(head_sha[:7])} with a `tapfix:ignore` comment.",
        "moved": f"↪️ **Moved**: the code changed at {code(head_sha[:7])}; see the newer comment on this finding.",
    }[state]
    folded = f"\n\n<details><summary>Original comment</summary>\n\n{rest.strip()}\n\n</details>\n"
    body = f"{finding_marker(fingerprint, state)}\n{headline}{folded}"
    return body if len(body) <= MAX_BODY else f"{finding_marker(fingerprint, state)}\n{headline}\n"


def review_body(marker: str, count: int, total: int) -> str:
    more = f" ({total - count} more in the summary comment)" if total > count else ""
    return f"{marker}\n**tapfix** found {count} new {_plural(count, 'problem')} on the lines this PR changes{more}.\n"


# --- summary ------------------------------------------------------------------------------------


def _counts(findings: list[PlannedFinding]) -> str:
    counter = Counter(f.severity for f in findings)
    return ", ".join(f"{counter[s]} {s.value}" for s in _SEVERITY_ORDER if counter[s]) or "none"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _location(f: PlannedFinding, links: Links) -> str:
    return f"[{cell_code(f'{f.path}:{f.line}')}]({links.blob(f.path, f.line)})"


def _finding_cell(f: PlannedFinding, links: Links) -> str:
    text = escape(f.message)
    if f.cause is not None:
        if f.cause.removed or f.cause.line is None:
            text += f"<br>caused by deleting {cell_code(f.cause.path)}"
        else:
            where = cell_code(f"{f.cause.path}:{f.cause.line}")
            text += f"<br>caused by [{where}]({links.blob(f.cause.path, f.cause.line)})"
    return text


def _where_cell(f: PlannedFinding, state: SummaryState) -> str:
    placement = state.placements.get(f.fingerprint, Placement.NOT_POSTED)
    url = state.comment_urls.get(f.fingerprint)
    if placement in (Placement.INLINE, Placement.KEPT) and url and url.startswith("https://"):
        return f"[{_WHERE[placement]}]({url})"
    return _WHERE[placement]


def summary_markdown(
    plan: ReviewPlan, state: SummaryState, links: Links, limit: int, heading: str = "##"
) -> str:
    """The summary comment (and job summary): one table of every reported finding, saying where
    each one is, then the fixes of those that have no inline comment, then notes."""
    reported = sorted(plan.findings, key=lambda f: (-f.severity.rank, f.path, f.line, f.rule_id))
    new = [f for f in reported if f.status == "new"]
    title = (
        f"{heading} tapfix: {len(new)} new {_plural(len(new), 'finding')} ({_counts(new)})"
        if new
        else f"{heading} tapfix: no new findings"
    )
    lines = [
        SUMMARY,
        title,
        "",
        f"Head {code(plan.head_sha[:7])} · {plan.modules} {_plural(plan.modules, 'module')} scanned at the base and at the head of this PR.",
        "",
    ]
    if reported:
        lines += ["| Severity | Rule | Location | Resource | Finding | Review |", "|---|---|---|---|---|---|"]
    rows = [
        f"| {f.severity.value} | [{f.rule_id}]({rule_catalog.docs_url(f.rule_id)}) | {_location(f, links)} "
        f"| {cell_code(f.resource) if f.resource else ''} | {_finding_cell(f, links)} | {_where_cell(f, state)} |"
        for f in reported
    ]
    tail = _tail(plan, state, links)
    budget = limit - len("\n".join(lines)) - len(tail) - 200
    shown = 0
    for row in rows:
        if budget - len(row) - 1 < 0:
            break
        lines.append(row)
        budget -= len(row) + 1
        shown += 1
    if shown < len(rows):
        lines.append(f"\n… and {len(rows) - shown} more (see the job summary and the SARIF file).")
    details = _fix_details(reported, state, budget)
    return "\n".join(lines) + "\n" + details + tail


def _fix_details(findings: list[PlannedFinding], state: SummaryState, budget: int) -> str:
    out: list[str] = []
    for f in findings:
        if state.placements.get(f.fingerprint) in (Placement.INLINE, Placement.KEPT) or f.fix is None:
            continue
        if not f.fix.patch:
            continue
        block = (
            # The <summary> line is raw HTML to Markdown: entities work there, backslashes would show.
            f"\n<details><summary>Fix for {f.rule_id} at <code>{html_text(f'{f.path}:{f.line}')}</code> "
            f"({f.fix.applicability.value}): {html_text(f.fix.description)}</summary>\n\n"
            f"{fence(shown_lines(f.fix.patch), 'diff')}\n\n{_how_to_apply(f)}\n\n</details>\n"
        )
        if len(block) > budget:
            break
        out.append(block)
        budget -= len(block)
    return "".join(out)


def _tail(plan: ReviewPlan, state: SummaryState, links: Links) -> str:
    lines: list[str] = [""]
    preexisting = sum(plan.preexisting.values())
    if preexisting:
        counts = ", ".join(
            f"{plan.preexisting[s]} {s.value}" for s in _SEVERITY_ORDER if plan.preexisting.get(s)
        )
        lines.append(
            f"{preexisting} pre-existing {_plural(preexisting, 'finding')} ({counts}) in the touched modules "
            "{verb} on the base branch too: not commented (input `report: all` lists them).".replace(
                "{verb}", "is" if preexisting == 1 else "are"
            )
        )
    if state.fixed:
        lines.append(
            f"{state.fixed} {_plural(state.fixed, 'finding')} commented earlier {'is' if state.fixed == 1 else 'are'} fixed now."
        )
    unread = [e for e in plan.errors if e.kind.about_a_file]
    unfinished = [e for e in plan.errors if not e.kind.about_a_file]
    if unread:
        lines += ["", "**Files tapfix could not read:**", ""]
        lines += [f"- {code(f'{e.path}:{e.line}')}: {escape(e.message)}" for e in unread[:50]]
    if unfinished:
        lines += ["", "**Checks that did not finish** (their findings are missing from this review):", ""]
        lines += [f"- {code(e.path)}: {escape(e.message)}" for e in unfinished[:50]]
    for note in plan.notes:
        lines.append(_note(note.code, note.count))
    lines += [f"> {n}" for n in state.notes]
    return "\n".join(lines).rstrip() + "\n"


def _note(code_: NoteCode, count: int) -> str:
    if code_ is NoteCode.FILES_TRUNCATED:
        return f"> GitHub lists at most 3,000 changed files: {count} files of this PR were not reviewed."
    if code_ is NoteCode.HEAD_THROUGH_API:
        return (
            f"> The checked-out workspace is not the PR head, so {count} {_plural(count, 'file')} "
            "were read at the head commit through the API (check out `github.event.pull_request.head.sha`)."
        )
    if code_ is NoteCode.BASE_UNKNOWN:
        return f"> The base version of {count} {_plural(count, 'file')} could not be read: findings there count as new."
    if code_ is NoteCode.CALLS_NOT_FOLLOWED:
        return (
            f"> {count} called {_plural(count, 'module')} {'was' if count == 1 else 'were'} not read "
            "(past the review's limits on called modules): what the calls cause there is not checked."
        )
    if code_ is NoteCode.CALLERS_INCOMPLETE:
        return (
            f"> Modules calling the changed ones were looked for in the first {count:,} `.tf` files "
            "of the checkout only."
        )
    if code_ is NoteCode.CALLERS_NOT_CHECKED:
        were = "was" if count == 1 else "were"
        return (
            f"> {count} more {_plural(count, 'module')} calling the changed ones {were} not checked "
            "with the inputs they pass (past the review's limit)."
        )
    return "> No Terraform file in this PR."
