"""The evaluator bounds a value's size before it builds it: padding widths count against the limit
before any padding is made, across every row of a `formatlist`. These inputs asked for gigabytes
(a 308-byte file reached 10 GB of memory). Memory is measured with tracemalloc, not time."""

from __future__ import annotations

import tracemalloc

from fixers.evaluate import MAX_VALUE_SIZE, UNKNOWN, evaluate
from fixers.hcl.parser import parse
from fixers.hcl.source import decode
from fixers.module import Module, parse_file

TWO_THOUSAND_FIVE_HUNDRED = "concat(range(1024), range(1024), range(452))"


def local_of(expr: str):
    module = Module.build(".", [parse_file(decode("main.tf", f"locals {{\n  x = {expr}\n}}\n".encode()))])
    return module.locals["x"]


def local_value(expr: str):
    return local_of(expr).value()


def evaluation_peak(expr: str):
    """The value of `expr`, and the most memory its evaluation held at once (parsing excluded)."""
    local = local_of(expr)
    tracemalloc.start()
    try:
        value = local.value()
        return tracemalloc.get_traced_memory()[1], value
    finally:
        tracemalloc.stop()


def test_formatlist_of_wide_rows_is_unknown_before_the_rows_are_padded():
    expr = 'formatlist("%999999s|%999999s|%999999s", range(1024), range(1024), range(1024))'
    peak, value = evaluation_peak(expr)
    assert value is UNKNOWN
    assert peak < 4 * MAX_VALUE_SIZE  # a few rows' worth, not 1024 x 3 MB


def test_format_with_thousands_of_wide_verbs_is_unknown_before_padding_them():
    fmt = f'join("", [for i in {TWO_THOUSAND_FIVE_HUNDRED} : "%999999s"])'
    peak, value = evaluation_peak(f"format({fmt}, {TWO_THOUSAND_FIVE_HUNDRED}...)")
    assert value is UNKNOWN
    assert peak < 4 * MAX_VALUE_SIZE  # not 2,500 MB


def test_format_and_formatlist_up_to_the_limit_are_still_rendered():
    assert local_value('format("%5s|%-4s|%03d", "a", "b", 7)') == "    a|b   |007"
    assert local_value('formatlist("%s-%02d", ["a", "b"], [1, 2])') == ["a-01", "b-02"]
    assert len(local_value('format("%999999s", "x")')) == 999_999
    rows = local_value('formatlist("%900s", range(1000))')
    assert len(rows) == 1000 and rows[0] == " " * 899 + "0"


class Counted:
    """A value that counts how often it is compared for equality."""

    comparisons = 0

    def __init__(self, n: int) -> None:
        self.n = n

    def __hash__(self) -> int:
        return hash(self.n)

    def __eq__(self, other: object) -> bool:
        Counted.comparisons += 1
        return isinstance(other, Counted) and other.n == self.n


def test_toset_of_many_collections_compares_each_element_a_bounded_number_of_times():
    # `item not in out` compared every object with every kept one: n^2 / 2 comparisons for n
    # distinct objects (three rules ran out of their 30 s on ~256k of them).
    items = [[Counted(i), {"k": Counted(i)}] for i in range(20_000)] * 2
    Counted.comparisons = 0
    value = evaluate(None, parse("x = toset(items)\n").children[0].children[0].children[-1], {"items": items})
    assert len(value) == 20_000 and value[:2] == items[:2]
    assert Counted.comparisons <= 4 * len(items)  # was ~200 million
