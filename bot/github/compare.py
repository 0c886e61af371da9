"""What the PR introduced: head findings whose identity (rule, module, resource, key; never a line
number) is not among the base findings are new. A new finding that sits on no line the PR added
was caused by a change elsewhere in its module (a variable default in variables.tf that makes a name
in redis.tf too long; a listener in alb.tf that the security group in sg.tf blocks): `cause_of`
finds that change by following references from the finding's resource to changed blocks."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from bot.github.diff import FileDiff
from fixers.findings import Finding
from fixers.model import Block
from fixers.module import Module

MAX_DEPTH = 4
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


def cause_of(finding: Finding, module: Module, changed: dict[str, FileDiff]) -> Cause | None:
    """The changed line (or deleted file) most closely connected to `finding`."""
    cause = related_cause(finding, changed)
    if cause is not None:
        return cause
    start = module.find(finding.resource) if finding.resource else None
    if start is not None:
        for block_or_span in _neighbourhood(module, start):
            hit = _first_added(changed, *block_or_span)
            if hit is not None:
                return Cause(block_or_span[0], hit)
    for diff in changed.values():
        if diff.status == "removed" and _module_dir(diff.path) == module.path:
            return Cause(diff.path, None, removed=True)
    for diff in sorted(changed.values(), key=lambda d: d.path):
        if _module_dir(diff.path) == module.path and diff.added_lines:
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


def _neighbourhood(module: Module, start: Block) -> list[tuple[str, int, int]]:
    """Spans (path, first line, last line) of the blocks, locals and variable values connected to
    `start` by references in either direction, nearest first."""
    spans: list[tuple[str, int, int]] = []
    seen = {start.address}
    queue: deque[tuple[str, int]] = deque([(start.address, 0)])
    while queue:
        address, depth = queue.popleft()
        spans.extend(_spans(module, address))
        if depth >= MAX_DEPTH:
            continue
        for neighbour in _referenced(module, address) + [r.origin for r in module.references_to(address)]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append((neighbour, depth + 1))
    return spans


def _spans(module: Module, address: str) -> list[tuple[str, int, int]]:
    if address.startswith("local."):
        attr = module.locals.get(address[len("local.") :])
        return [(attr.path, attr.line, attr.end_line)] if attr is not None else []
    spans = []
    block = module.find(address)
    if block is not None:
        spans.append((block.path, block.line, block.end_line))
    if address.startswith("var."):
        value = module.variable_value_attribute(address[len("var.") :])
        if value is not None:
            spans.append((value.path, value.line, value.end_line))
    return spans


def _referenced(module: Module, address: str) -> list[str]:
    return [r.target for r in module.reference_graph().references_from(address)]
