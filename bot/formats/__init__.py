"""Turning a scan report into what a person or a tool reads. One module per format, each imported only
when that format is asked for, so `tapfix scan` pays for nothing it does not print."""

from __future__ import annotations

import importlib
import posixpath
from collections import Counter
from dataclasses import dataclass

from fixers.api import Applicability, FailOn, Finding, ScanError, ScanReport, Severity

FORMATS = ("text", "json", "sarif", "markdown")
_MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "markdown": "markdown"}


@dataclass(frozen=True)
class Context:
    """What every format needs besides the report.

    `root` is the scanned directory as the user reaches it from the working directory ("" when it is
    the working directory, an absolute path when it lies outside it). Report paths are relative to the
    scanned directory (the JSON contract); formats read by people or GitHub prefix them with `root`.
    """

    version: str
    root: str = ""
    color: bool = False
    fail_on: FailOn = FailOn.HIGH

    def shown(self, path: str) -> str:
        if not self.root:
            return path
        return posixpath.normpath(posixpath.join(self.root, path))


def render(fmt: str, report: ScanReport, context: Context) -> str:
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    return module.render(report, context)


# --- shared by the formats ---------------------------------------------------------------------


def visible(report: ScanReport) -> list[Finding]:
    """Findings a person should see: suppressed ones are only listed in machine formats."""
    return [f for f in report.findings if not f.suppressed]


def by_severity(findings: list[Finding]) -> list[tuple[Severity, list[Finding]]]:
    """Groups from the most to the least severe, empty groups left out."""
    groups = []
    for severity in sorted(Severity, key=lambda s: -s.rank):
        members = [f for f in findings if f.severity == severity]
        if members:
            groups.append((severity, members))
    return groups


def severity_counts(findings: list[Finding]) -> str:
    """`1 critical, 2 high`: most severe first."""
    counts = Counter(f.severity for f in findings)
    return ", ".join(f"{counts[s]} {s.value}" for s in sorted(counts, key=lambda s: -s.rank))


def fix_counts(findings: list[Finding]) -> tuple[int, int]:
    """How many findings `tapfix fix` fixes, and how many more with `--unsafe-fixes`."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == Applicability.UNSAFE)
    return safe, unsafe


def loose_errors(report: ScanReport) -> list[ScanError]:
    """Errors no TAP000 finding already reports (rule failures, unreadable files when TAP000 is off)."""
    reported = {f.path for f in report.findings if f.rule_id == "TAP000"}
    return [e for e in report.errors if not (e.kind.about_a_file and e.path in reported)]


def tool_failures(errors: list[ScanError]) -> list[ScanError]:
    """Errors that make the run incomplete (exit code 2): a rule that crashed or ran out of time, a
    plan tapfix cannot use. A file that does not parse is a finding (TAP000), not a failure."""
    return [e for e in errors if e.kind.incomplete]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
