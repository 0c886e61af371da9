"""`--format text`: one line per finding, `path:line:col: TAP201 [high] message`, grouped per file,
then a one-line summary. Colour only when the context asks for it (a terminal without NO_COLOR).
Paths and messages come from the scanned files: their control, bidi and zero-width characters are
shown escaped (bot/terminal_text.py), so a file name can neither start a new line nor drive the
terminal."""

from __future__ import annotations

from itertools import groupby

from bot.formats import Context, fix_counts, loose_errors, plural, severity_counts, visible
from bot.terminal_text import visible as escaped
from fixers.api import Applicability, Finding, ScanReport, Severity

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_STYLE = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
}
_FIX_MARK = {Applicability.SAFE: "[fixable]", Applicability.UNSAFE: "[unsafe fix]"}


def _style(text: str, style: str, context: Context) -> str:
    return f"{style}{text}{_RESET}" if context.color else text


def _line(finding: Finding, context: Context) -> str:
    where = f"{escaped(context.shown(finding.path))}:{finding.line}:{finding.column}:"
    severity = _style(f"[{finding.severity.value}]", _SEVERITY_STYLE[finding.severity], context)
    rule = _style(finding.rule_id, _BOLD, context)
    mark = ""
    if finding.fix is not None and finding.fix.applicability in _FIX_MARK:
        label = _FIX_MARK[finding.fix.applicability]
        if finding.fix.adds_resources:
            label = f"{label[:-1]}: {finding.fix.additions_label}]"
        mark = " " + _style(label, _DIM, context)
    message = escaped(" ".join(finding.message.split()))  # a message quoting user text stays on one line
    return f"{_style(where, _BOLD, context)} {rule} {severity} {message}{mark}"


def summary(report: ScanReport, context: Context) -> str:
    shown = visible(report)
    suppressed = len(report.findings) - len(shown)
    if not shown:
        head = f"No findings in {plural(report.files, 'file')}."
    else:
        head = f"Found {plural(len(shown), 'finding')} ({severity_counts(shown)})."
        safe, unsafe = fix_counts(shown)
        if safe:
            head += f" {safe} fixable with `tapfix fix`."
        if unsafe:
            head += f" {unsafe} more with `tapfix fix --unsafe-fixes`."
    if suppressed:
        head += f" {suppressed} suppressed."
    return head


def render(report: ScanReport, context: Context) -> str:
    findings = sorted(visible(report), key=lambda f: (context.shown(f.path), f.line, f.column, f.rule_id))
    blocks = []
    for _, group in groupby(findings, key=lambda f: context.shown(f.path)):
        blocks.append("\n".join(_line(f, context) for f in group))
    errors = loose_errors(report)
    if errors:
        blocks.append(
            "\n".join(
                f"{escaped(context.shown(e.path))}:{e.line}:{e.column}: "
                f"{_style('error:', _SEVERITY_STYLE[Severity.HIGH], context)} {escaped(' '.join(e.message.split()))}"
                for e in errors
            )
        )
    blocks.append(summary(report, context))
    return "\n\n".join(blocks) + "\n"
