"""The layers of docs/design.md hold: rules (fixers/rules/) and AWS facts (fixers/aws/) read the
typed model (fixers/semantic/), never the parser's grammar. (No module imports another's private
names: tests/test_private_names.py.)

The check reads the code's syntax tree (not its text), so a comment or a string that mentions
`children[` does not count, and an access spelt `getattr(node, "data")` does."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Where the typed model is the only way in: no parse node, no grammar rule name.
MODEL_ONLY = ("fixers/rules", "fixers/aws")
# Attributes only a parse node (lark's Tree/Token) or the view's `syntax` escape hatch have. The
# view's `Expr.children()` is a method: calling it is the model; reading `.children` is the tree.
# `self.data` is a class's own field (a parse node is never `self` here), so it is not counted.
_GRAMMAR_ATTRIBUTES = {"data", "meta", "syntax"}
_GRAMMAR_MODULES = ("lark", "fixers.hcl.parser")


def _python_files(*folders: str) -> list[Path]:
    files = []
    for folder in folders:
        found = sorted((ROOT / folder).rglob("*.py"))
        assert found, f"{folder} holds no Python file: the check would pass on nothing"
        files += found
    return files


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_grammar_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in _GRAMMAR_MODULES)


def grammar_uses(source: str, path: str = "<source>") -> list[str]:
    """Where `source` imports the parser or reads a parse node: `line: what`."""
    tree = ast.parse(source, path)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, f"import {a.name}") for a in node.names if _is_grammar_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names]
            if _is_grammar_module(node.module) or any(_is_grammar_module(n) for n in names):
                found.append((node, f"from {node.module} import {', '.join(a.name for a in node.names)}"))
        elif isinstance(node, ast.Attribute) and not (
            isinstance(node.value, ast.Name) and node.value.id == "self"
        ):
            if node.attr in _GRAMMAR_ATTRIBUTES or (node.attr == "children" and id(node) not in called):
                found.append((node, f".{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in (*_GRAMMAR_ATTRIBUTES, "children")
        ):
            found.append((node, f"{node.func.id}(..., {node.args[1].value!r})"))
    return _located(found)


def _located(found: list[tuple[ast.AST, str]]) -> list[str]:
    """`line: what`, in source order."""
    ordered = sorted(found, key=lambda f: (f[0].lineno, f[0].col_offset))
    return [f"{node.lineno}: {what}" for node, what in ordered]


# --- the checks on the code --------------------------------------------------------------------


def test_rules_and_aws_facts_never_touch_the_parsers_grammar():
    found = {}
    for path in _python_files(*MODEL_ONLY):
        uses = grammar_uses(path.read_text(encoding="utf-8"), str(path))
        if uses:
            found[_relative(path)] = uses
    assert found == {}, "read the typed view (fixers/semantic/expressions.py) instead:\n" + "\n".join(
        f"{path}: {', '.join(uses)}" for path, uses in found.items()
    )


# --- the checks find what they are for ---------------------------------------------------------


def test_the_grammar_check_finds_lark_imports_node_attributes_and_the_parser():
    source = """
import lark
from lark import Tree
from fixers.hcl.parser import parse
from fixers.hcl import parser
def f(node, expr):
    if node.data == "object" and node.children[0] and self_node.data:
        return expr.syntax, node.meta.start_pos, getattr(node, "data", None)
    return [c for c in node.children]
"""
    assert grammar_uses(source) == [
        "2: import lark",
        "3: from lark import Tree",
        "4: from fixers.hcl.parser import parse",
        "5: from fixers.hcl import parser",
        "7: .data",
        "7: .children",
        "7: .data",
        "8: .syntax",
        "8: .meta",
        "8: getattr(..., 'data')",
        "9: .children",
    ]


def test_the_grammar_check_lets_the_typed_view_through():
    source = """
from fixers.semantic.expressions import Object, Reference
from fixers.hcl.source import SourceText
class Rule:
    def value(self):
        return self.data  # its own field
def f(attr):
    expr = attr.expression  # a comment about node.children[0] is no use of it
    text = "x.data == 'object'"
    return [c for c in expr.children() if isinstance(c, Reference)], expr.walk(), text
"""
    assert grammar_uses(source) == []
