"""`--format markdown`: the summary a pull request shows (a comment, a check run, $GITHUB_STEP_SUMMARY).

Everything that comes from the scanned files (paths, resources, messages quoting values) goes through
`bot.markdown_text` (`escape` for prose, `code`/`cell_code` for paths and addresses), so a file cannot ping, link,
inject HTML or break the tables.
"""

from __future__ import annotations

from bot.formats import Context, by_severity, fix_counts, loose_errors, plural, severity_counts, visible
from bot.markdown_text import cell_code, code, escape
from fixers.api import Applicability, Finding, ScanReport

TITLE = "tapfix"
# GitHub caps a comment at 65,536 characters: past this many rows per severity, count the rest instead.
MAX_ROWS = 100
_FIX_LABEL = {
    Applicability.SAFE: "yes",
    Applicability.UNSAFE: "unsafe",
    Applicability.DISPLAY_ONLY: "suggestion",
}


def _row(finding: Finding, context: Context) -> str:
    where = cell_code(f"{context.shown(finding.path)}:{finding.line}")
    rule = f"[{finding.rule_id}]({finding.docs_url})" if finding.docs_url else finding.rule_id
    resource = cell_code(finding.resource) if finding.resource else ""
    fix = _FIX_LABEL[finding.fix.applicability] if finding.fix is not None else ""
    if finding.fix is not None and finding.fix.adds_resources:
        fix += f" ({finding.fix.additions_label})"
    return f"| {where} | {rule} | {resource} | {escape(finding.message)} | {fix} |"


def _table(findings: list[Finding], context: Context, max_rows: int) -> list[str]:
    ordered = sorted(findings, key=lambda f: (context.shown(f.path), f.line, f.rule_id))
    lines = ["| Location | Rule | Resource | Message | Fix |", "|---|---|---|---|---|"]
    lines += [_row(f, context) for f in ordered[:max_rows]]
    if len(ordered) > max_rows:
        lines += ["", f"… and {len(ordered) - max_rows} more."]
    return lines


def render(report: ScanReport, context: Context, max_rows: int = MAX_ROWS) -> str:
    shown = visible(report)
    suppressed = len(report.findings) - len(shown)
    if not shown:
        lines = [f"### {TITLE}: no findings", "", f"Scanned {plural(report.files, 'file')}."]
    else:
        lines = [f"### {TITLE}: {plural(len(shown), 'finding')} ({severity_counts(shown)})", ""]
        lines += ["| Severity | Findings |", "|---|---:|"]
        lines += [f"| {severity.value} | {len(members)} |" for severity, members in by_severity(shown)]
        for severity, members in by_severity(shown):
            lines += ["", f"#### {severity.value.capitalize()} ({len(members)})", ""]
            lines += _table(members, context, max_rows)
        safe, unsafe = fix_counts(shown)
        notes = []
        if safe:
            notes.append(f"{plural(safe, 'finding')} can be fixed with `tapfix fix`")
        if unsafe:
            notes.append(f"{unsafe} more with `tapfix fix --unsafe-fixes` (review those changes)")
        if notes:
            lines += ["", "; ".join(notes) + "."]
    errors = loose_errors(report)
    if errors:
        lines += ["", f"#### Not scanned ({len(errors)})", ""]
        lines += [f"- {code(f'{context.shown(e.path)}:{e.line}')}: {escape(e.message)}" for e in errors]
    if suppressed:
        lines += ["", f"{plural(suppressed, 'finding')} suppressed with `tapfix:ignore` comments."]
    return "\n".join(lines) + "\n"
