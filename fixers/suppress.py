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
    if "tapfix:ignore" in source.text:
        for match in _DIRECTIVE.finditer(source.text):
            rules, unknown, reason = _parse(match.group("rest").strip())
            line = source.line_col(match.start())[0]
            found.append(Suppression(source.path, line, frozenset(rules), reason, tuple(unknown)))
    if ":ignore:" in source.text or "checkov:skip=" in source.text:
        found += _foreign(source)
        found.sort(key=lambda s: s.line)
    return found


# Other scanners' suppressions of the same check: the author's explicit, recorded opt-out, which
# tapfix honours for the rule that checks the same thing (tfsec and trivy share their IDs).
FOREIGN_CHECKS = {
    "aws-s3-enable-versioning": "TAP201",
    "aws-s3-block-public-acls": "TAP202",
    "aws-s3-block-public-policy": "TAP202",
    "aws-s3-ignore-public-acls": "TAP202",
    "aws-s3-no-public-buckets": "TAP202",
    "aws-s3-specify-public-access-block": "TAP202",
    "aws-ec2-no-public-egress-sgr": "TAP101",
    "aws-vpc-no-public-egress-sgr": "TAP101",
    "aws-ec2-no-public-ingress-sgr": "TAP103",
    "aws-vpc-no-public-ingress-sgr": "TAP103",
    "aws-ec2-require-vpc-flow-logs-for-all-vpcs": "TAP306",
    "CKV_AWS_21": "TAP201",  # S3 versioning
    "CKV2_AWS_6": "TAP202",  # S3 Block Public Access
    "CKV2_AWS_11": "TAP306",  # VPC flow logs
    "CKV_AWS_118": "TAP222",  # RDS Enhanced Monitoring
    "CKV_AWS_382": "TAP101",  # security group egress to 0.0.0.0/0 on all ports
    "CKV_AWS_24": "TAP103",  # SSH from 0.0.0.0/0
    "CKV_AWS_25": "TAP103",  # RDP from 0.0.0.0/0
}
_FOREIGN = re.compile(
    r"(?:#|//)[^\n]*?(?:(?P<tool>tfsec|trivy):ignore:(?P<check>[a-z0-9-]+)|checkov:skip=(?P<ckv>CKV2?_AWS_\d+))"
)
_MORE = re.compile(
    r"(?:(?P<tool>tfsec|trivy):ignore:(?P<check>[a-z0-9-]+)|checkov:skip=(?P<ckv>CKV2?_AWS_\d+))"
)


def _foreign(source: SourceText) -> list[Suppression]:
    found = []
    for comment in _FOREIGN.finditer(source.text):
        line = source.line_col(comment.start())[0]
        text = source.line_text(line)
        for match in _MORE.finditer(text):
            check = match.group("check") or match.group("ckv")
            rule = FOREIGN_CHECKS.get(check)
            if rule is not None:
                tool = match.group("tool") or "checkov"
                found.append(Suppression(source.path, line, frozenset({rule}), f"{match.group(0)} ({tool})"))
    # One comment line may be matched once per directive on it: keep each (line, rule) once.
    return list({(s.line, s.rules): s for s in found}.values())


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
