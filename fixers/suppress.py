"""Inline suppressions: `# tapfix:ignore TAP201 reason` (or `//`) on the line above a block or
inside it silences that rule for that block."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fixers.hcl.source import SourceText

_DIRECTIVE = re.compile(r"(?:#|//)\s*tapfix:ignore\b[ \t]*(?P<rest>[^\n]*)")
# A word of the rule list and what separates it from the next one.
_WORD = re.compile(r"(?P<word>[^\s,]+)(?P<gap>\s*,\s*|\s+|$)")
# A word that was meant as a rule ID even when it is not one (TAP2O1, TAP99): reported, never read as
# the start of the reason.
_ID_LIKE = re.compile(r"^TAP\w{1,4}$", re.IGNORECASE)
_RULE_ID = re.compile(r"^TAP\d{3}$")


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    rules: frozenset[str]  # rule IDs, or "all"
    reason: str
    unknown: tuple[str, ...] = ()  # words in the rule list that name no rule (a typo like TAP2O1)

    @property
    def written(self) -> list[str]:
        """The rule list as written: the rules, then the words that name none."""
        return [*sorted(self.rules - {u.upper() for u in self.unknown}), *self.unknown]


def _resolve(word: str) -> str | None:
    from fixers.rules import resolve_rule  # the rules import this module

    return "all" if word.lower() == "all" else resolve_rule(word)


def _parse(rest: str) -> tuple[set[str], list[str], str]:
    """(rule IDs, words that name no rule, reason) of the text after `tapfix:ignore`.

    Rules come first: a word is one while it is a rule ID or name, looks like one (TAP2O1,
    s3-versionig-missing: reported, not read as the reason), or follows a comma. The rest is the reason."""
    rules: set[str] = set()
    unknown: list[str] = []
    position, after_comma = 0, False
    while position < len(rest):
        match = _WORD.match(rest, position)
        if match is None:
            break
        word = match.group("word")
        resolved = _resolve(word)
        if resolved is None and not (after_comma or _ID_LIKE.match(word) or "-" in word.strip("-")):
            break
        if resolved is None:
            unknown.append(word)
            if _RULE_ID.match(word.upper()):
                rules.add(word.upper())  # a rule the catalog lacks may still be run (tests, plugins)
        else:
            rules.add(resolved)
        position, after_comma = match.end(), "," in match.group("gap")
    return rules, unknown, rest[position:].strip()


def suppressions_in(source: SourceText) -> list[Suppression]:
    found = []
    if "tapfix:ignore" not in source.text:
        return found
    for match in _DIRECTIVE.finditer(source.text):
        rules, unknown, reason = _parse(match.group("rest").strip())
        line = source.line_col(match.start())[0]
        found.append(Suppression(source.path, line, frozenset(rules), reason, tuple(unknown)))
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


def problem(s: Suppression) -> str | None:
    """Why `s` is not (fully) applied, or None when it is a well-formed suppression.

    A suppression must name its rules and say why: a bare `# tapfix:ignore TAP201` does not
    silence anything, so a finding never disappears without a reason a reviewer can read."""
    written = " ".join(["tapfix:ignore", *s.written])
    if s.unknown:
        names = " and ".join(f"`{w}`" for w in s.unknown)
        verb = "is not a rule" if len(s.unknown) == 1 else "are not rules"
        return (
            f"{names} {verb}, so `{written}` does not apply to it: name a rule by its ID (TAP201) or name "
            "(s3-versioning-missing); `tapfix rules` lists them"
        )
    if not s.rules:
        return f"`{written}` names no rule, so it does not apply: write `# tapfix:ignore TAP201 <reason>`"
    if not s.reason:
        return f"`{written}` has no reason, so it does not apply: say why after the rule ID"
    return None
