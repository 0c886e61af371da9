"""The code connected to a block by references, nearest first: what a PR review searches for the
change that caused a finding on a line the PR did not touch (a variable default in variables.tf that
makes a name in redis.tf too long; a listener in alb.tf that the security group in sg.tf blocks)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from fixers.module import Module

# How many references away from the block a span may be.
MAX_DEPTH = 4


@dataclass(frozen=True)
class Span:
    """Lines `line` to `end_line` (1-based, inclusive) of the file `path`."""

    path: str
    line: int
    end_line: int


def related_spans(module: Module, address: str) -> list[Span]:
    """Spans of the block `address`, and of the blocks, locals and variable values connected to it by
    references in either direction (up to MAX_DEPTH steps), nearest first; [] when the module has no
    such block."""
    if module.find(address) is None:
        return []
    spans: list[Span] = []
    seen = {address}
    queue: deque[tuple[str, int]] = deque([(address, 0)])
    while queue:
        current, depth = queue.popleft()
        spans.extend(_spans(module, current))
        if depth >= MAX_DEPTH:
            continue
        for neighbour in _referenced(module, current) + [r.origin for r in module.references_to(current)]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append((neighbour, depth + 1))
    return spans


def _spans(module: Module, address: str) -> list[Span]:
    if address.startswith("local."):
        attr = module.locals.get(address[len("local.") :])
        return [Span(attr.path, attr.line, attr.end_line)] if attr is not None else []
    spans = []
    block = module.find(address)
    if block is not None:
        spans.append(Span(block.path, block.line, block.end_line))
    if address.startswith("var."):
        value = module.variable_value_attribute(address[len("var.") :])
        if value is not None:
            spans.append(Span(value.path, value.line, value.end_line))
    return spans


def _referenced(module: Module, address: str) -> list[str]:
    return [r.target for r in module.reference_graph().references_from(address)]
