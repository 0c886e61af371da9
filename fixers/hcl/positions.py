"""Lark's position propagation, with the same results at a lower cost.

With `propagate_positions=True`, Lark wraps every rule's tree builder in `PropagatePositions`, which
gives each new tree a `Meta` holding its span (line, column, start_pos, end_line, end_column,
end_pos) and the span of its "container" (the same, widened over tokens the grammar filters out,
which the parent's span must include). That wrapper was 40% of python-hcl2's parse time: it finds
each value through `getattr` with a default, which for a token (no `container_*` attribute) raises
and catches AttributeError, and it fills a `Meta` one attribute at a time into a growing `__dict__`.

`PositionsFast` computes the same values in the same cases (tests/engine/test_positions.py compares
every node of every fixture against Lark's own wrapper) into a `Meta` subclass with slots.
"""

from __future__ import annotations

from collections.abc import Iterable

from lark import Lark, Token, Tree
from lark.parse_tree_builder import PropagatePositions
from lark.tree import Meta


class SlottedMeta(Meta):
    """A `Meta` whose span attributes live in slots. An unset one still raises AttributeError, so
    `hasattr(meta, "line")` means what it means for a `Meta`; others (`match_tree`) go to `__dict__`."""

    __slots__ = (
        "column",
        "container_column",
        "container_end_column",
        "container_end_line",
        "container_end_pos",
        "container_line",
        "container_start_pos",
        "empty",
        "end_column",
        "end_line",
        "end_pos",
        "line",
        "start_pos",
    )

    def __init__(self) -> None:  # every attribute is set by the caller
        pass


def _meta_of(child: object) -> Meta | Token | None:
    """What `PropagatePositions._pp_get_meta` takes from one child, or None to look further: the
    slow path, for what `_edge` does not handle itself (subclasses, trees without a meta yet)."""
    if isinstance(child, Token):
        return child
    if isinstance(child, Tree):
        meta = child.meta  # creates an empty Meta on a tree without one, as Lark does
        return None if meta.empty else meta
    if hasattr(child, "__lark_meta__"):
        return child.__lark_meta__()
    return None


def _edge(children: Iterable) -> Meta | Token | None:
    """The first child that has a position, as `PropagatePositions._pp_get_meta` finds it: a token,
    or the meta of a tree that is not empty."""
    for child in children:
        kind = type(child)
        if kind is Token:
            return child
        if kind is Tree and child._meta is not None:
            if not child._meta.empty:
                return child._meta
            continue
        found = _meta_of(child)
        if found is not None:
            return found
    return None


class PositionsFast:
    """`PropagatePositions` (without a node filter), computing the same metas. Written for speed:
    it runs once for every tree a parse builds."""

    __slots__ = ("node_builder",)

    def __init__(self, node_builder) -> None:
        self.node_builder = node_builder

    def __call__(self, children: list):
        result = self.node_builder(children)
        if not isinstance(result, Tree):
            return result
        first = _edge(children)
        if first is None:
            result.meta  # noqa: B018 -- Lark gives such a tree an empty Meta
            return result
        last = _edge(reversed(children))  # a first child means a last one
        if isinstance(first, Token):
            line, column, start = first.line, first.column, first.start_pos
        else:
            try:
                line, column, start = first.container_line, first.container_column, first.container_start_pos
            except AttributeError:
                line, column, start = first.line, first.column, first.start_pos
        if isinstance(last, Token):
            end_line, end_column, end = last.end_line, last.end_column, last.end_pos
        else:
            try:
                end_line, end_column, end = (
                    last.container_end_line,
                    last.container_end_column,
                    last.container_end_pos,
                )
            except AttributeError:
                end_line, end_column, end = last.end_line, last.end_column, last.end_pos
        meta = result._meta
        if meta is None:  # a new tree: the common case, set in one go
            result._meta = meta = SlottedMeta()
            meta.empty = False
            meta.line = meta.container_line = line
            meta.column = meta.container_column = column
            meta.start_pos = meta.container_start_pos = start
            meta.end_line = meta.container_end_line = end_line
            meta.end_column = meta.container_end_column = end_column
            meta.end_pos = meta.container_end_pos = end
            return result
        # A child passed up by an inlined rule (`?rule`): it keeps its own span, its container grows.
        if not hasattr(meta, "line"):
            meta.line, meta.column, meta.start_pos = line, column, start
            meta.empty = False
        meta.container_line, meta.container_column, meta.container_start_pos = line, column, start
        if not hasattr(meta, "end_line"):
            meta.end_line, meta.end_column, meta.end_pos = end_line, end_column, end
            meta.empty = False
        meta.container_end_line, meta.container_end_column, meta.container_end_pos = end_line, end_column, end
        return result


def _callbacks(parser: Lark) -> dict:
    """The LALR parser's rule callbacks: Lark internals (1.1 to 1.3), so a Lark laid out otherwise
    gives an empty dict and keeps its own, slower wrapper rather than failing every parse."""
    callbacks = getattr(
        getattr(getattr(getattr(parser, "parser", None), "parser", None), "parser", None), "callbacks", None
    )
    return callbacks if isinstance(callbacks, dict) else {}


def use_fast_positions(parser: Lark) -> None:
    """Swap every rule's `PropagatePositions` for `PositionsFast` around the same tree builder."""
    callbacks = _callbacks(parser)
    for rule, callback in callbacks.items():
        if type(callback) is PropagatePositions and callback.node_filter is None:
            callbacks[rule] = PositionsFast(callback.node_builder)


def use_lark_positions(parser: Lark) -> None:
    """The reverse of `use_fast_positions` (for the tests that compare the two)."""
    callbacks = _callbacks(parser)
    for rule, callback in callbacks.items():
        if type(callback) is PositionsFast:
            callbacks[rule] = PropagatePositions(callback.node_builder)
