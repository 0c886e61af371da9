"""Inline suppressions: `# tapfix:ignore TAP201 reason` (or `//`) on the line above a block or
inside it silences that rule for that block."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fixers.hcl.source import SourceText

_DIRECTIVE = re.compile(r"(?:#|//)\s*tapfix:ignore\b[ \t]*(?P<rest>[^\n]*)")
_RULE_IDS = re.compile(r"^((?:TAP\d{3}|all)(?:\s*,\s*|\s+|$))+")


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    rules: frozenset[str]
    reason: str


def suppressions_in(source: SourceText) -> list[Suppression]:
    found = []
    if "tapfix:ignore" not in source.text:
        return found
    for match in _DIRECTIVE.finditer(source.text):
        rest = match.group("rest").strip()
        ids_match = _RULE_IDS.match(rest)
        ids_text = ids_match.group(0) if ids_match else ""
        rules = frozenset(re.findall(r"TAP\d{3}|all", ids_text))
        reason = rest[len(ids_text) :].strip()
        line = source.line_col(match.start())[0]
        found.append(Suppression(source.path, line, rules, reason))
    return found


def covers(
    s: Suppression, rule_id: str, path: str, start_line: int, end_line: int, lines_above: set[int]
) -> bool:
    """Does `s` silence `rule_id` for a block spanning start_line..end_line of `path`?
    `lines_above` are the comment lines directly above the block (a comment run)."""
    if s.path != path or not (rule_id in s.rules or "all" in s.rules):
        return False
    return start_line <= s.line <= end_line or s.line in lines_above


def comment_lines_above(source: SourceText, line: int) -> set[int]:
    lines = set()
    current = line - 1
    while current >= 1:
        text = source.line_text(current).strip()
        if text.startswith(("#", "//")):
            lines.add(current)
            current -= 1
        else:
            break
    return lines


def problem(s: Suppression, known_rules: set[str]) -> str | None:
    """Why `s` is not (fully) applied, or None when it is a well-formed suppression.

    A suppression must name its rules and say why: a bare `# tapfix:ignore TAP201` does not
    silence anything, so a finding never disappears without a reason a reviewer can read."""
    written = f"tapfix:ignore {' '.join(sorted(s.rules))}".rstrip()
    if not s.rules:
        return f"`{written}` names no rule, so it does not apply: write `# tapfix:ignore TAP201 <reason>`"
    unknown = sorted(r for r in s.rules if r != "all" and r not in known_rules)
    if unknown:
        return (
            f"`{written}` names {', '.join(unknown)}, which is not a tapfix rule (`tapfix rules` lists them)"
        )
    if not s.reason:
        return f"`{written}` has no reason, so it does not apply: say why after the rule ID"
    return None
