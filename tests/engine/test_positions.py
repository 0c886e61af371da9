"""`fixers.hcl.positions.PositionsFast` gives every node the span Lark's own `PropagatePositions`
gives it: same attributes, same values, for every fixture file and for truncated copies of them (the
spans of trees built before a parse error are what error messages and partial parses start from)."""

from __future__ import annotations

import pickle
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from lark import Token, Tree

from fixers.hcl.parser import HclSyntaxError, _parser, parse
from fixers.hcl.positions import PositionsFast, SlottedMeta, use_fast_positions, use_lark_positions

REPO = Path(__file__).resolve().parents[2]
_ATTRIBUTES = (
    "empty",
    "line",
    "column",
    "start_pos",
    "end_line",
    "end_column",
    "end_pos",
    "container_line",
    "container_column",
    "container_start_pos",
    "container_end_line",
    "container_end_column",
    "container_end_pos",
)
_UNSET = "(unset)"


def _texts() -> list[str]:
    texts = []
    for folder in (REPO / "tests", REPO / "examples"):
        for path in sorted(folder.rglob("*.tf")):
            if "node_modules" in path.parts:
                continue
            try:
                texts.append(path.read_bytes().decode("utf-8-sig"))
            except UnicodeDecodeError:
                continue  # the fixtures of undecodable files never reach the parser
    chance = random.Random(7)
    texts += [t[: chance.randrange(len(t))] for t in texts[::3] if len(t) > 1]
    return texts


def _shape(node: Tree | Token) -> Iterator[tuple]:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree):
            meta = node._meta
            spans = None if meta is None else tuple(getattr(meta, a, _UNSET) for a in _ATTRIBUTES)
            yield node.data, spans, len(node.children)
            stack.extend(reversed(node.children))
        elif isinstance(node, Token):
            yield node.type, str(node), node.start_pos, node.end_pos, node.line, node.column
        else:
            yield (repr(node),)


def _parse_all(texts: list[str]) -> list[tuple]:
    out: list[tuple] = []
    for text in texts:
        try:
            out.extend(_shape(parse(text)))
        except HclSyntaxError as exc:
            out.append(("error", exc.message, exc.line, exc.column))
    return out


@pytest.fixture
def lark_positions():
    """Lark's own wrapper for the duration of a test, ours again afterwards."""
    parser = _parser()
    use_lark_positions(parser)
    try:
        yield
    finally:
        use_fast_positions(parser)


def test_the_parser_uses_the_fast_positions():
    callbacks = _parser().parser.parser.parser.callbacks
    assert callbacks and all(isinstance(c, PositionsFast) for c in callbacks.values())


def test_every_node_gets_the_span_lark_gives_it(lark_positions):
    texts = _texts()
    theirs = _parse_all(texts)
    use_fast_positions(_parser())
    ours = _parse_all(texts)
    assert len(ours) > 100_000, "the fixtures were meant to give many nodes"
    assert ours == theirs


def test_a_tree_with_fast_positions_survives_pickling():
    tree = parse('resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    block = next(tree.find_data("block"))
    assert isinstance(block.meta, SlottedMeta)
    copy = pickle.loads(pickle.dumps(tree))
    copied = next(copy.find_data("block"))
    assert (copied.meta.start_pos, copied.meta.end_pos, copied.meta.line, copied.meta.end_line) == (
        block.meta.start_pos,
        block.meta.end_pos,
        1,
        3,
    )
