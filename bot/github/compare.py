"""What the PR introduced: head findings whose identity (rule, module, resource, key; never a line
number) is not among the base findings are new. A new finding that sits on no line the PR added
was caused by a change elsewhere in its module (a variable default in variables.tf that makes a name
in redis.tf too long; a listener in alb.tf that the security group in sg.tf blocks): `cause_of`
finds that change in the code the engine connects to the finding's resource by references."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.github.diff import FileDiff
from fixers.api import Finding, Span

_RELATED = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+)")


@dataclass(frozen=True)
class Cause:
    path: str
    line: int | None  # None when the cause is a deleted file
    removed: bool = False


def split_new(head: list[Finding], base: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(new, pre-existing) head findings."""
    before = {f.identity for f in base}
    new = [f for f in head if f.identity not in before]
    existing = [f for f in head if f.identity in before]
    return new, existing


def on_added_line(finding: Finding, changed: dict[str, FileDiff]) -> bool:
    diff = changed.get(finding.path)
    if diff is None:
        return False
    added = diff.added_lines
    return any(line in added for line in range(finding.line, max(finding.end_line, finding.line) + 1))


def cause_of(finding: Finding, related: list[Span], changed: dict[str, FileDiff]) -> Cause | None:
    """The changed line (or deleted file) most closely connected to `finding`; `related` is the code
    connected to its resource, nearest first (`ReviewedModule.related_spans`)."""
    cause = related_cause(finding, changed)
    if cause is not None:
        return cause
    for span in related:
        hit = _first_added(changed, span.path, span.line, span.end_line)
        if hit is not None:
            return Cause(span.path, hit)
    for diff in changed.values():
        if diff.status == "removed" and _module_dir(diff.path) == finding.module:
            return Cause(diff.path, None, removed=True)
    for diff in sorted(changed.values(), key=lambda d: d.path):
        if _module_dir(diff.path) == finding.module and diff.added_lines:
            return Cause(diff.path, min(diff.added_lines))
    return None


def related_cause(finding: Finding, changed: dict[str, FileDiff]) -> Cause | None:
    """The first added line among the places the finding names as evidence (for a finding that a
    module call causes: where the caller sets the inputs it rests on, then the call)."""
    for entry in finding.related:
        match = _RELATED.match(entry)
        if match and _is_added(changed, match["path"], int(match["line"])):
            return Cause(match["path"], int(match["line"]))
    return None


def _module_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def _is_added(changed: dict[str, FileDiff], path: str, line: int) -> bool:
    diff = changed.get(path)
    return diff is not None and line in diff.added_lines


def _first_added(changed: dict[str, FileDiff], path: str, first: int, last: int) -> int | None:
    diff = changed.get(path)
    if diff is None:
        return None
    hits = [line for line in diff.added_lines if first <= line <= last]
    return min(hits) if hits else None
