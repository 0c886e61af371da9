"""TAP000: a file that cannot be parsed (or read). The rest of the module is still scanned."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fixers.config import RuleOptions
from fixers.findings import Finding, FixAvailability, Rule, Severity
from fixers.hcl.source import SourceText
from fixers.module import Module

RULE = Rule(
    id="TAP000",
    name="parse-error",
    severity=Severity.HIGH,
    fix_availability=FixAvailability.NONE,
    why="Terraform cannot plan a module whose files do not parse, and no other rule can check that file.",
    # A malformed `tapfix:ignore` comment is input tapfix cannot use too (fixers.engine reports it).
    also=(("suppression-invalid", Severity.LOW),),
)


@dataclass
class _Location:
    file: SourceText
    start: int
    end: int


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for error in module.errors:
        parsed = module.files.get(error.path)
        if parsed is None:
            continue
        source = parsed.source
        line = min(max(error.line, 1), source.line_count)
        offset = min(source.line_start(line) + error.column - 1, source.line_end(line))
        yield RULE.finding(
            _Location(source, offset, offset),
            f"{error.path} cannot be parsed: {error.message}",
            resource=error.path,
        )
