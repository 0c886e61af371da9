"""Evaluating HCL expressions with what a module knows: variable defaults (and tfvars), locals,
literal resource arguments and the common functions.

Anything that cannot be known statically (a data source, a variable without default, a
resource's computed attribute, `timestamp()`) is `UNKNOWN`. Unknown is contagious: a string
template with one unknown part is unknown. Rules never report a violation that rests on an
unknown value, so evaluation errs towards unknown and never raises.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import json
import math
import re
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from lark import Token, Tree

from fixers.hcl.template_text import sequence_end
from fixers.limits import REGEX_SECONDS, REGEX_TOTAL_SECONDS, RULE_SECONDS, Budget
from fixers.module_files import MODULE_MARKER, module_relative, text_of


class _Unknown:
    _instance = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(unknown)"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value: compare with `is UNKNOWN`")


UNKNOWN: Any = _Unknown()


class Index(NamedTuple):
    """An index step in a traversal (`x[0]`, `x["k"]`), as opposed to an attribute step."""

    key: Any


class EvalError(Exception):
    pass


# What the entry points accept: a parse node, or the typed view of one (fixers.semantic.expressions).
Expression = Any


def _syntax(expr: Expression) -> Tree | Token:
    return getattr(expr, "syntax", expr)


def is_known(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    return True


# How deep one value's expressions (and the locals and arguments it references) nest, and how many
# expression nodes evaluating it visits; past either, the value is unknown. The steps bound the work
# of loops over loops (`[for a in range(1024) : [for b in range(1024) : ...]]`).
_MAX_DEPTH = 200
_MAX_STEPS = 300_000

# The largest value the evaluator builds, in characters plus elements. Past it a value is unknown:
# real configurations stay far below it, while `a = "${b}${b}"` chains, `format("%999999999d")` or
# `replace(s, "", t)` could otherwise ask for gigabytes in one step.
MAX_VALUE_SIZE = 1_000_000
_MAX_RANGE = 1024
_MAX_INT_BITS = 4096
_NO_ARGUMENT = object()


def evaluate(module: Any, expr: Expression, scope: dict[str, Any] | None = None) -> Any:
    """The value of `expr`, or UNKNOWN. Never raises."""
    return _Evaluator(module, scope or {}).settle(_syntax(expr), UNKNOWN)


def evaluate_attribute(attribute: Any) -> Any:
    """The value of an attribute of its module, computed once per module (every rule asks)."""
    module = attribute.block.module if attribute.block is not None else None
    if module is None:
        return evaluate(None, attribute.expr)
    return _Evaluator(module, {}).memo(attribute, top=True)


def file_argument(module: Any, expr: Expression) -> str | None:
    """The module-relative path a file function's path argument names (`"${path.module}/a.sh"`
    -> "a.sh"), or None when it is unknown or leaves the module's folder. Never raises."""
    value = _Evaluator(module, {}, module_paths=True).settle(_syntax(expr), None)
    return module_relative(value) if isinstance(value, str) else None


def referenced_files(module: Any) -> set[str]:
    """The module-relative paths the module's file functions read (where the path is known and
    stays in the folder): what a caller without the module's folder on disk must fetch."""
    found: set[str] = set()
    # The paths are the PR author's expressions, evaluated before any rule (and its budget) runs:
    # past the budget, the files not yet found stay unknown, at both ends of the PR alike.
    with Budget(RULE_SECONDS):
        _find_referenced_files(module, found)
    return found


def _find_referenced_files(module: Any, found: set[str]) -> None:
    for attr in module.iter_attributes():
        for node in attr.expr.iter_subtrees() if isinstance(attr.expr, Tree) else ():
            if node.data != "function_call":
                continue
            idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
            if len(idents) != 1 or str(idents[0].children[0]) not in FILE_FUNCTIONS:
                continue
            args = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
            inner = [] if args is None else [c for c in args.children if isinstance(c, Tree)]
            inner = [c for c in inner if c.data != "new_line_or_comment"]
            path = file_argument(module, inner[0]) if inner else None
            if path is not None:
                found.add(path)


# --- traversals ------------------------------------------------------------------------------


def traversals(expr: Expression) -> list[tuple]:
    """The references in an expression, as tuples: `aws_s3_bucket.logs[0].id` ->
    ("aws_s3_bucket", "logs", Index(0), "id"). Index keys that are not literals are UNKNOWN."""
    found: list[tuple] = []
    stack: list[Any] = [_syntax(expr)]
    while stack:
        node = stack.pop()
        if not isinstance(node, Tree):
            continue
        if node.data in ("get_attr_expr_term", "index_expr_term"):
            parts = traversal_parts(node)
            if parts is not None:
                found.append(parts)
                # Index expressions inside the traversal may hold references of their own.
                stack.extend(_index_expressions(node))
                continue
        if node.data == "expr_term" and len(node.children) == 1:
            child = node.children[0]
            if isinstance(child, Tree) and child.data == "identifier":
                found.append((str(child.children[0]),))
                continue
        if node.data in ("heredoc_template", "heredoc_template_trim") and node.children:
            # A heredoc is one token: its interpolations are references too (user data that
            # names a database endpoint makes the instance depend on the database).
            inner = heredoc_template(str(node.children[0]), node.data == "heredoc_template_trim")
            if inner is not None:
                stack.append(inner)
            continue
        stack.extend(reversed(node.children))
    return found


@functools.lru_cache(maxsize=512)
def heredoc_template(raw: str, trim: bool) -> Tree | None:
    """The template a heredoc token holds (its interpolations and directives), or None without any."""
    body = heredoc_body(raw, trim)
    if "${" not in body.replace("$${", "") and "%{" not in body.replace("%%{", ""):
        return None
    return template_tree(body)


def _index_expressions(node: Tree) -> list[Tree]:
    out = []
    while isinstance(node, Tree) and node.data in ("get_attr_expr_term", "index_expr_term", "expr_term"):
        if node.data == "index_expr_term":
            idx = node.children[1]
            if isinstance(idx, Tree) and idx.data == "braces_index":
                out.extend(c for c in idx.children if isinstance(c, Tree) and c.data != "new_line_or_comment")
        if node.data == "expr_term" and len(node.children) != 1:
            break
        node = node.children[0]
    return out


def traversal_parts(node: Tree) -> tuple | None:
    """A reference's parts (see `traversals`) when `node` is a name with attribute and index steps."""
    steps: list[Any] = []
    while True:
        if node.data == "get_attr_expr_term":
            step = node.children[1]
            steps.append(_token_name(step.children[-1]))
            node = node.children[0]
        elif node.data == "index_expr_term":
            steps.append(Index(_literal_index(node.children[1])))
            node = node.children[0]
        elif node.data == "expr_term" and len(node.children) == 1 and isinstance(node.children[0], Tree):
            node = node.children[0]
        elif node.data == "identifier":
            steps.append(str(node.children[0]))
            return tuple(reversed(steps))
        else:
            return None


def _token_name(node: Tree | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    return "".join(_token_name(c) for c in node.children)


def _literal_index(index: Tree) -> Any:
    if index.data == "short_index":
        return int(str(index.children[-1]))
    inner = [c for c in index.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    if len(inner) == 1:
        value = evaluate(None, inner[0])
        if isinstance(value, (str, int, float)):
            return value
    return UNKNOWN


# --- template directives ---------------------------------------------------------------------

# Functions that read a file of the module (the module's `read_file` decides which files it may).
FILE_FUNCTIONS = ("file", "filebase64", "templatefile")


@functools.lru_cache(maxsize=16)
def _template_file_tree(text: str) -> Tree | None:
    """A template file parsed once, however many rules read the user data that renders it."""
    return template_tree(text)


# Loop iterations in one rendered template: `%{for}` nested three deep over `range(1024)` would
# otherwise run a billion times while producing nothing.
_MAX_TEMPLATE_ITERATIONS = 100_000
_WHITESPACE = " \t\r\n"


class _If(NamedTuple):
    condition: Tree
    then: list[Any]
    otherwise: list[Any]


class _For(NamedTuple):
    key: str | None
    value: str
    collection: Tree
    body: list[Any]


def _strips(node: Tree) -> tuple[bool, bool]:
    """Whether a `${...}`/`%{...}` has a strip marker after its opening (`%{~`) and before its
    closing (`~}`)."""
    tokens = node.children
    left = len(tokens) > 1 and isinstance(tokens[1], Token) and tokens[1].type == "STRIP_MARKER"
    right = len(tokens) > 1 and isinstance(tokens[-2], Token) and tokens[-2].type == "STRIP_MARKER"
    return left, right


def _strip(items: list[Any]) -> list[Any]:
    """Adjacent literal pieces merged, and the whitespace next to strip markers removed."""
    merged: list[Any] = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    for i, item in enumerate(merged):
        if isinstance(item, str):
            continue
        left, right = _strips(item)
        if left and i > 0 and isinstance(merged[i - 1], str):
            merged[i - 1] = merged[i - 1].rstrip(_WHITESPACE)
        if right and i + 1 < len(merged) and isinstance(merged[i + 1], str):
            merged[i + 1] = merged[i + 1].lstrip(_WHITESPACE)
    return merged


def _template_structure(items: list[Any]) -> list[Any]:
    """Flat template pieces as a tree of `_If` and `_For`; EvalError when directives do not nest."""
    root: list[Any] = []
    stack: list[tuple[Any, list[Any]]] = [(None, root)]
    for item in items:
        kind = None if isinstance(item, str) else item.data
        if kind is None or kind == "interpolation":
            stack[-1][1].append(item)
            continue
        trees = [c for c in item.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        if kind == "template_if_start" and len(trees) == 1:
            node = _If(trees[0], [], [])
            stack[-1][1].append(node)
            stack.append((node, node.then))
        elif kind == "template_else" and isinstance(stack[-1][0], _If) and stack[-1][1] is stack[-1][0].then:
            stack[-1] = (stack[-1][0], stack[-1][0].otherwise)
        elif kind == "template_endif" and isinstance(stack[-1][0], _If):
            stack.pop()
        elif kind == "template_for_start" and len(trees) in (2, 3):
            names = [str(t.children[0]) for t in trees[:-1] if t.data == "identifier"]
            if len(names) != len(trees) - 1:
                raise EvalError("bad for directive")
            loop = _For(names[0] if len(names) == 2 else None, names[-1], trees[-1], [])
            stack[-1][1].append(loop)
            stack.append((loop, loop.body))
        elif kind == "template_endfor" and isinstance(stack[-1][0], _For):
            stack.pop()
        else:
            raise EvalError(f"template directive {kind} out of place")
    if len(stack) != 1:
        raise EvalError("unterminated template directive")
    return root


# --- the evaluator ---------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)


def _unescape(text: str) -> str:
    def repl(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            point = int(code[1:], 16)
            if 0xD800 <= point <= 0xDFFF:
                # Not a character: a lone surrogate in a message made every output format fail to encode.
                raise EvalError("escape of a surrogate code point")
            return chr(point)
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE_RE.sub(repl, text) if "\\" in text else text


class _Spent(EvalError):
    """One evaluation used up a limit it shares with every part of it (depth, steps, template loop
    iterations, the interpreter's stack or memory): the whole value is unknown, and no part of it
    computed on the way is kept as the value of an attribute."""


class _Limits:
    """What one evaluation may spend. Evaluators derived for an inner scope, a referenced local or
    a template share it, so that no reference or template starts from zero again."""

    __slots__ = ("depth", "iterations", "module_regex_seconds", "regex_seconds", "sizes", "steps")

    def __init__(self, module: Any = None) -> None:
        self.depth = 0
        self.steps = 0
        self.iterations = 0
        # CPU time left for the regular expressions of this evaluation, all calls together, and of
        # every evaluation of its module (rules evaluate a value again and again, and each time the
        # patterns that ran out of time last time are skipped and the next ones run).
        self.regex_seconds = REGEX_TOTAL_SECONDS
        self.module_regex_seconds: list[float] = getattr(module, "regex_seconds_left", [REGEX_TOTAL_SECONDS])
        # id -> (list or dict, its size): `_bounded` walks each shared part once per evaluation.
        self.sizes: dict[int, tuple[Any, int]] = {}


class _Evaluator:
    """One evaluator with two modes: plain (an unknown part makes its container unknown) and
    partial (`evaluate_partial`: an unknown part of a container or a text becomes a placeholder).
    Every evaluator of one value is derived from the first, and shares its limits."""

    def __init__(
        self,
        module: Any,
        scope: dict[str, Any],
        module_paths: bool = False,
        *,
        partial: bool = False,
        names: dict[str, str] | None = None,
        limits: _Limits | None = None,
    ) -> None:
        self.module = module
        self.scope = scope
        # True only for the path argument of a file function: there `path.module` has a value.
        self.module_paths = module_paths
        self.partial = partial
        # In a partial template: its variables whose values are unknown -> what they stand for.
        self.names = names or {}
        self.nested = limits is not None
        self.limits = limits if limits is not None else _Limits(module)
        self._plain: _Evaluator | None = None

    def _derive(
        self,
        scope: dict[str, Any] | None = None,
        *,
        module: Any = _NO_ARGUMENT,
        partial: bool | None = None,
        names: dict[str, str] | None = None,
        module_paths: bool | None = None,
    ) -> _Evaluator:
        """An evaluator for a part of this value: another scope, module, mode or names; the same limits."""
        return _Evaluator(
            self.module if module is _NO_ARGUMENT else module,
            self.scope if scope is None else scope,
            self.module_paths if module_paths is None else module_paths,
            partial=self.partial if partial is None else partial,
            names=self.names if names is None else names,
            limits=self.limits,
        )

    @property
    def plain(self) -> _Evaluator:
        """This evaluator in plain mode: conditions, operators and function arguments never see a
        partial evaluation's placeholder text."""
        if not self.partial:
            return self
        if self._plain is None:
            self._plain = self._derive(partial=False, names={})
        return self._plain

    def settle(self, expr: Tree | Token, fallback: Any) -> Any:
        """The value of `expr`, or `fallback` when evaluating it fails. The one place where an
        exception becomes "unknown": a function given the wrong type (`title(1)`), a division by
        zero, a bad regular expression, a value too large. A spent limit is not this part's own
        failure: inside a larger evaluation it ends that evaluation, whose value is then unknown."""
        try:
            return self.eval(expr)
        except Exception as exc:  # any input; OutOfTime is a BaseException and passes
            if self.nested and isinstance(exc, (_Spent, RecursionError, MemoryError)):
                raise
            return fallback

    def memo(self, attr: Any, top: bool = False) -> Any:
        """The value of an attribute of the module (a local, a variable's value, a resource's
        argument, in this evaluator's mode), computed once per module, and UNKNOWN inside a
        reference cycle."""
        partial = self.partial and attr.block is not None and attr.block.type == "locals"
        key = (id(attr), partial, self.module_paths)
        cache = self.module._eval_cache
        if key in cache:
            return cache[key]
        evaluating = self.module._evaluating
        if key in evaluating:
            return UNKNOWN  # a reference cycle
        evaluating.add(key)
        try:
            inner = self._derive({}, partial=partial, names={})
            inner.nested = not top  # asked for by `evaluate_attribute`, the attribute's value is the top
            value = inner.settle(attr.expr, UNKNOWN)
        finally:
            evaluating.discard(key)
        cache[key] = value
        return value

    def eval(self, node: Tree | Token) -> Any:
        limits = self.limits
        limits.depth += 1
        limits.steps += 1
        try:
            if limits.depth > _MAX_DEPTH:
                raise _Spent("nested too deep")
            if limits.steps > _MAX_STEPS:
                raise _Spent("too many steps")
            if not self.partial:
                return self._dispatch(node)
            if isinstance(node, Tree) and (
                node.data in _PARTIAL_NODES or _is_jsonencode(node) or _is_call(node, "templatefile")
            ):
                value = self._dispatch(node)
            else:
                value = self.plain._dispatch(node)
            return self._placeholder(node) if value is UNKNOWN else value
        finally:
            limits.depth -= 1

    def _dispatch(self, node: Tree | Token) -> Any:
        if isinstance(node, Token):
            raise EvalError(f"unexpected token {node.type}")
        handler = getattr(self, "_" + node.data, None)
        return UNKNOWN if handler is None else handler(node)

    def _placeholder(self, node: Tree | Token) -> str:
        term = _unwrap_term(node)
        if isinstance(term, Tree) and term.data == "identifier" and str(term.children[0]) in self.names:
            return self.names[str(term.children[0])]
        return placeholder(node)

    def _children(self, node: Tree) -> list[Tree]:
        return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]

    # terms
    def _expr_term(self, node: Tree) -> Any:
        inner = self._children(node)
        return self.eval(inner[0]) if len(inner) == 1 else UNKNOWN

    def _int_lit(self, node: Tree) -> Any:
        return _number(str(node.children[0]))

    def _float_lit(self, node: Tree) -> Any:
        return _number(str(node.children[0]))

    def _literal_value(self, node: Tree) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _identifier(self, node: Tree) -> Any:
        name = str(node.children[0])
        return self.scope.get(name, UNKNOWN)

    def _string(self, node: Tree) -> Any:
        items: list[Any] = []
        for part in node.children:
            if not isinstance(part, Tree):
                continue
            for piece in part.children:
                if isinstance(piece, Token):
                    if piece.type == "ESCAPED_INTERPOLATION" or piece.type == "ESCAPED_DIRECTIVE":
                        items.append(str(piece)[1:])
                    else:
                        items.append(_unescape(str(piece)))
                else:
                    items.append(piece)
        if all(isinstance(i, str) or i.data == "interpolation" for i in items):
            return self._render(items)  # no directives: the common case, no structure to build
        return self._render(_template_structure(_strip(items)))

    def _render(self, sequence: list[Any]) -> Any:
        """Text, interpolations and `_If`/`_For` directives, rendered; UNKNOWN when an
        interpolation is unknown or a directive's condition or collection is."""
        parts: list[Any] = []
        for item in sequence:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, _If):
                # A condition is never decided on a partial evaluator's placeholder text.
                test = self.plain.eval(item.condition)
                if test is UNKNOWN:
                    return UNKNOWN
                parts.append(self._render(item.then if _bool(test) else item.otherwise))
            elif isinstance(item, _For):
                parts.append(self._render_for(item))
            else:
                parts.append(template_string_of(self.eval(self._children(item)[0])))
            if parts[-1] is UNKNOWN:
                return UNKNOWN
        if sum(len(p) for p in parts) > MAX_VALUE_SIZE:
            raise EvalError("template too long")
        return "".join(parts)

    def _render_for(self, loop: _For) -> Any:
        collection = self.plain.eval(loop.collection)
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return UNKNOWN
        parts = []
        for key, value in pairs:
            self.limits.iterations += 1
            if self.limits.iterations > _MAX_TEMPLATE_ITERATIONS:
                raise _Spent("template loops run too long")
            scope = dict(self.scope)
            scope[loop.value] = value
            if loop.key is not None:
                scope[loop.key] = key
            text = self._derive(scope)._render(loop.body)
            if text is UNKNOWN:
                return UNKNOWN
            parts.append(text)
            if sum(len(p) for p in parts) > MAX_VALUE_SIZE:
                raise EvalError("template too long")
        return "".join(parts)

    def _template_string(self, node: Tree) -> Any:
        return UNKNOWN

    def _heredoc_template(self, node: Tree) -> Any:
        return self._heredoc(str(node.children[0]), trim=False)

    def _heredoc_template_trim(self, node: Tree) -> Any:
        return self._heredoc(str(node.children[0]), trim=True)

    def _heredoc(self, raw: str, trim: bool) -> Any:
        body = heredoc_body(raw, trim)
        if "${" not in body.replace("$${", "") and "%{" not in body.replace("%%{", ""):
            return body.replace("$${", "${").replace("%%{", "%{")
        tree = template_tree(body)
        return UNKNOWN if tree is None else self.eval(tree)

    def _tuple(self, node: Tree) -> Any:
        return self._bounded([self.eval(c) for c in self._children(node)])

    def _object(self, node: Tree) -> Any:
        out: dict[str, Any] = {}
        for elem in self._children(node):
            key_node, value_node = elem.children[0], elem.children[-1]
            key = self._object_key(key_node)
            if key is UNKNOWN:
                return UNKNOWN
            out[key] = self.eval(value_node)
        return self._bounded(out)

    def _object_key(self, key_node: Tree) -> Any:
        inner = self._children(key_node)
        if not inner:
            return _token_name(key_node)
        expr = inner[0]
        # A bare identifier key is a literal name, not a variable.
        term = expr
        while isinstance(term, Tree) and term.data == "expr_term" and len(term.children) == 1:
            term = term.children[0]
        if isinstance(term, Tree) and term.data in ("identifier", "keyword"):
            return _token_name(term)
        key = self.eval(expr)
        return template_string_of(key) if key is not UNKNOWN else UNKNOWN

    # references
    def _get_attr_expr_term(self, node: Tree) -> Any:
        return self._traversal(node)

    def _index_expr_term(self, node: Tree) -> Any:
        return self._traversal(node)

    def _traversal(self, node: Tree) -> Any:
        steps: list[tuple[str, Any]] = []
        cur = node
        while True:
            if cur.data == "get_attr_expr_term":
                steps.append(("attr", _token_name(cur.children[1].children[-1])))
                cur = cur.children[0]
            elif cur.data == "index_expr_term":
                idx = cur.children[1]
                if idx.data == "short_index":
                    steps.append(("index", int(str(idx.children[-1]))))
                else:
                    steps.append(("index", self.eval(self._children(idx)[0])))
                cur = cur.children[0]
            elif cur.data == "expr_term" and len(self._children(cur)) == 1:
                cur = self._children(cur)[0]
            else:
                break
        steps.reverse()
        if cur.data == "identifier":
            root = str(cur.children[0])
            value, steps = self._root(root, steps)
        else:
            value = self.eval(cur)
        for _kind, key in steps:
            value = _step(value, key)
            if value is UNKNOWN:
                return UNKNOWN
        return value

    def _root(self, root: str, steps: list[tuple[str, Any]]) -> tuple[Any, list]:
        if root in self.scope:
            return self.scope[root], steps
        module = self.module
        if module is None or not steps or steps[0][0] != "attr":
            return UNKNOWN, []
        name = steps[0][1]
        if root == "var":
            return self._variable(name), steps[1:]
        if root == "local":
            return self._local(name), steps[1:]
        if root == "path" and self.module_paths and name == "module":
            return MODULE_MARKER, steps[1:]
        if root == "module" and len(steps) >= 2 and steps[1][0] == "attr":
            return self._module_output(name, steps[1][1]), steps[2:]
        if root in ("data", "module", "count", "each", "self", "path", "terraform"):
            return UNKNOWN, []
        # A resource argument written literally in the config (no count/for_each).
        block = module.find(f"{root}.{name}")
        if block is None or block.count is not None or block.for_each is not None:
            return UNKNOWN, []
        if len(steps) >= 2 and steps[1][0] == "attr" and steps[1][1] in block.attributes:
            return self.plain.memo(block.attributes[steps[1][1]]), steps[2:]
        return UNKNOWN, []

    def _module_output(self, call: str, output: str) -> Any:
        """`module.call.output`: the output's value in the called module, evaluated with the call's
        inputs, when the engine follows the call; else unknown."""
        called = getattr(self.module, "called", None)
        child = called(call) if called is not None else None
        block = child.find(f"output.{output}") if child is not None else None
        value = block.attributes.get("value") if block is not None else None
        if value is None:
            return UNKNOWN
        return self._derive({}, module=child, partial=False, names={}, module_paths=False).memo(value)

    def _variable(self, name: str) -> Any:
        inputs = getattr(self.module, "inputs", None)
        if inputs is not None:
            # A called module: the call's argument, else the default (tfvars are the root's alone).
            if name in inputs:
                return inputs[name]
            variable = self.module.variables.get(name)
            attr = variable.get("default") if variable is not None else None
        else:
            attr = self.module.variable_value_attribute(name)
        return UNKNOWN if attr is None else self.plain.memo(attr)

    def _local(self, name: str) -> Any:
        attr = self.module.locals.get(name)
        return UNKNOWN if attr is None else self.memo(attr)

    def _attr_splat_expr_term(self, node: Tree) -> Any:
        return self._splat(node)

    def _full_splat_expr_term(self, node: Tree) -> Any:
        return self._splat(node)

    def _splat(self, node: Tree) -> Any:
        base = self.eval(node.children[0])
        if not isinstance(base, list):
            return UNKNOWN
        out = []
        for item in base:
            value = item
            for step in node.children[1].children:
                if isinstance(step, Token):
                    continue
                if step.data == "get_attr":
                    value = _step(value, _token_name(step.children[-1]))
                elif step.data == "short_index":
                    value = _step(value, int(str(step.children[-1])))
                else:
                    value = _step(value, self.eval(self._children(step)[0]))
            out.append(value)
        return out

    # operators
    def _conditional(self, node: Tree) -> Any:
        cond, yes, no = self._children(node)
        test = self.eval(cond)
        if test is UNKNOWN:
            a, b = self.eval(yes), self.eval(no)
            return a if is_known(a) and a == b else UNKNOWN
        if not isinstance(test, bool):
            raise EvalError("condition is not a bool")
        return self.eval(yes if test else no)

    def _binary_op(self, node: Tree) -> Any:
        left_node, term = self._children(node)[:2]
        op = str(term.children[0].children[0])
        right_node = self._children(term)[-1]
        left = self.eval(left_node)
        if op == "&&" and left is False:
            return False
        if op == "||" and left is True:
            return True
        right = self.eval(right_node)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return _BINARY[op](left, right)

    def _unary_op(self, node: Tree) -> Any:
        op = str(node.children[0])
        value = self.eval(node.children[1])
        if value is UNKNOWN:
            return UNKNOWN
        if op == "!":
            if not isinstance(value, bool):
                raise EvalError("! needs a bool")
            return not value
        return -_num(value)

    # calls
    def _function_call(self, node: Tree) -> Any:
        if self.partial:
            return self._partial_call(node)
        idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        name = "::".join(str(i.children[0]) for i in idents)
        args_node = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        arg_nodes = self._children(args_node) if args_node is not None else []
        expand = args_node is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in args_node.children
        )
        if name == "try":
            for arg in arg_nodes:
                value = self._derive().settle(arg, UNKNOWN)
                if value is not UNKNOWN:
                    return value
            return UNKNOWN
        if name == "can":
            return UNKNOWN
        if name in FILE_FUNCTIONS:
            return self._file_function(name, arg_nodes, expand)
        func = FUNCTIONS.get(name)
        if func is None:
            return UNKNOWN
        args = [self.eval(a) for a in arg_nodes]
        if expand:
            if not isinstance(args[-1], list):
                return UNKNOWN
            args = args[:-1] + args[-1]
        if name not in _PARTIAL_FUNCTIONS and not all(is_known(a) for a in args):
            return UNKNOWN
        self._bounded(args)
        _calling.append(self.limits)
        try:
            return self._bounded(func(*args))
        finally:
            _calling.pop()

    def _bounded(self, value: Any) -> Any:
        """`value`, or EvalError when it holds more than MAX_VALUE_SIZE characters and elements.
        Shared parts count each time they appear (`[local.a, local.a]`), as in the value Terraform
        would build, but are walked once per evaluation (their sizes are kept by identity), and each
        element walked is a step: `[for i in range(1000) : length(local.l17)]`, where l17 is 17
        doublings of a list, costs 1000 small steps, not 1000 walks of 2^17 elements."""
        limits = self.limits
        sizes = limits.sizes
        stack: list[tuple[Any, bool]] = [(value, False)]
        while stack:
            item, walked = stack.pop()
            if not isinstance(item, (list, dict)):
                if isinstance(item, str) and len(item) >= MAX_VALUE_SIZE:
                    raise EvalError("value too large")
                continue
            known = sizes.get(id(item))
            if known is not None and known[0] is item:
                continue
            parts = item if isinstance(item, list) else list(item.values())
            if not walked:
                limits.steps += 1 + len(parts)
                if limits.steps > _MAX_STEPS:
                    raise _Spent("too many steps")
                stack.append((item, True))
                stack.extend((part, False) for part in parts if isinstance(part, (list, dict)))
                continue
            # Every list or dict among `parts` was walked (and sized) after `item` was pushed.
            size = 1 + (len(item) if isinstance(item, dict) else 0)
            for part in parts:
                if isinstance(part, (list, dict)):
                    size += sizes[id(part)][1]
                else:
                    size += 1 + len(part) if isinstance(part, str) else 1
            if size > MAX_VALUE_SIZE:
                raise EvalError("value too large")
            sizes[id(item)] = (item, size)
        return value

    def _partial_call(self, node: Tree) -> Any:
        """`jsonencode` of a partially known value, or a rendered `templatefile` (the only calls
        a partial evaluation looks into: every other call is evaluated plainly)."""
        if _is_call(node, "templatefile"):
            return self._partial_templatefile(node)
        args = [c for c in node.children if isinstance(c, Tree) and c.data == "arguments"]
        inner = self._children(args[0]) if args else []
        if len(inner) != 1:
            return UNKNOWN
        return _jsonencode(self.eval(inner[0]))

    def _partial_templatefile(self, node: Tree) -> Any:
        """The rendered template, each unknown interpolation a placeholder naming what the
        template variable stands for (`${aws_db_instance.main.address}`, as in the inline script
        the template came from); UNKNOWN when a directive's condition or collection is unknown."""
        args = [c for c in node.children if isinstance(c, Tree) and c.data == "arguments"]
        arg_nodes = self._children(args[0]) if args else []
        if len(arg_nodes) != 2 or any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in args[0].children
        ):
            return UNKNOWN
        data = self._module_file(arg_nodes[0])
        text = text_of(data)
        tree = _template_file_tree(text) if text is not None else None
        if tree is None:
            return UNKNOWN
        variables = _unwrap_term(arg_nodes[1])
        scope: dict[str, Any] = {}
        names: dict[str, str] = {}
        if isinstance(variables, Tree) and variables.data == "object":
            for element in self._children(variables):
                key = self._object_key(element.children[0])
                if not isinstance(key, str):
                    return UNKNOWN
                value_node = element.children[-1]
                scope[key] = self.plain.eval(value_node)
                if not is_known(scope[key]):
                    scope[key] = UNKNOWN
                    partial = self._derive(names={}).eval(value_node)
                    names[key] = partial if isinstance(partial, str) else placeholder(value_node)
        else:
            scope = self.plain.eval(arg_nodes[1])
            if not isinstance(scope, dict):
                return UNKNOWN
        # The string itself, not `eval`: an unknown rendering is UNKNOWN, not a `${...}` placeholder.
        return self._derive(scope, module=None, names=names, module_paths=False)._string(_unwrap_term(tree))

    def _file_function(self, name: str, arg_nodes: list[Tree], expand: bool) -> Any:
        """`file`, `filebase64` and `templatefile` on a file of the module's own folder."""
        if expand or len(arg_nodes) != (2 if name == "templatefile" else 1):
            return UNKNOWN
        data = self._module_file(arg_nodes[0])
        if data is None:
            return UNKNOWN
        if name == "filebase64":
            return self._bounded(base64.b64encode(data).decode("ascii"))
        text = text_of(data)
        if text is None:
            return UNKNOWN
        if name == "file":
            return self._bounded(text)
        variables = self.eval(arg_nodes[1])
        if not isinstance(variables, dict):
            return UNKNOWN
        tree = _template_file_tree(text)
        # A template sees only its variables (and functions): no var., local. or resources.
        return (
            UNKNOWN if tree is None else self._derive(variables, module=None, module_paths=False).eval(tree)
        )

    def _module_file(self, path_node: Tree) -> bytes | None:
        """The bytes of the file a path argument names, when it lies in the module's folder."""
        read = getattr(self.module, "read_file", None)
        if read is None:
            return None
        path = self._derive(partial=False, names={}, module_paths=True).eval(path_node)
        relative = module_relative(path) if isinstance(path, str) else None
        return read(relative) if relative is not None else None

    # for expressions
    def _for_tuple_expr(self, node: Tree) -> Any:
        intro, rest = self._for_parts(node)
        out = []
        for scope in self._for_scopes(intro):
            if scope is UNKNOWN:
                return UNKNOWN
            inner = self._derive(scope)
            if rest["cond"] is not None:
                keep = inner.eval(rest["cond"])
                if keep is UNKNOWN:
                    return UNKNOWN
                if not keep:
                    continue
            out.append(inner.eval(rest["exprs"][0]))
        return self._bounded(out)

    def _for_object_expr(self, node: Tree) -> Any:
        intro, rest = self._for_parts(node)
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        out: dict[str, Any] = {}
        for scope in self._for_scopes(intro):
            if scope is UNKNOWN:
                return UNKNOWN
            inner = self._derive(scope)
            if rest["cond"] is not None:
                keep = inner.eval(rest["cond"])
                if keep is UNKNOWN:
                    return UNKNOWN
                if not keep:
                    continue
            key = inner.eval(rest["exprs"][0])
            if key is UNKNOWN:
                return UNKNOWN
            value = inner.eval(rest["exprs"][1])
            key = template_string_of(key)
            if grouping:
                out.setdefault(key, []).append(value)
            else:
                out[key] = value
        return self._bounded(out)

    def _for_parts(self, node: Tree) -> tuple[Tree, dict[str, Any]]:
        intro = next(c for c in node.children if isinstance(c, Tree) and c.data == "for_intro")
        cond = next((c for c in node.children if isinstance(c, Tree) and c.data == "for_cond"), None)
        exprs = [c for c in self._children(node) if c.data not in ("for_intro", "for_cond")]
        cond_expr = self._children(cond)[0] if cond is not None else None
        return intro, {"cond": cond_expr, "exprs": exprs}

    def _for_scopes(self, intro: Tree):
        names = [str(c.children[0]) for c in intro.children if isinstance(c, Tree) and c.data == "identifier"]
        collection_node = next(c for c in self._children(intro) if c.data != "identifier")
        collection = self.eval(collection_node)
        if isinstance(collection, dict):
            items = list(collection.items())
        elif isinstance(collection, list):
            items = list(enumerate(collection))
        else:
            yield UNKNOWN
            return
        for key, value in items:
            scope = dict(self.scope)
            if len(names) == 2:
                scope[names[0]], scope[names[1]] = key, value
            else:
                scope[names[0]] = value
            yield scope


def _step(value: Any, key: Any) -> Any:
    if value is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        return value.get(key, UNKNOWN) if isinstance(key, str) else UNKNOWN
    if isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        i = int(key)
        return value[i] if 0 <= i < len(value) else UNKNOWN
    return UNKNOWN


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _num(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return _number(value)
    raise EvalError("not a number")


def template_string_of(value: Any) -> Any:
    """The string Terraform makes of a value in a template or an object key."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _format_number(value)
    if isinstance(value, str):
        return value
    raise EvalError("cannot interpolate a collection")


def _format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    return (
        type(a) is type(b) and a == b
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float)))
        else a == b
    )


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: _num(a) + _num(b),
    "-": lambda a, b: _num(a) - _num(b),
    "*": lambda a, b: _multiply(_num(a), _num(b)),
    "/": lambda a, b: _num(a) / _num(b),
    "%": lambda a, b: _num(a) % _num(b),
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<": lambda a, b: _num(a) < _num(b),
    ">": lambda a, b: _num(a) > _num(b),
    "<=": lambda a, b: _num(a) <= _num(b),
    ">=": lambda a, b: _num(a) >= _num(b),
    "&&": lambda a, b: _bool(a) and _bool(b),
    "||": lambda a, b: _bool(a) or _bool(b),
}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError("not a bool")


# --- partial evaluation --------------------------------------------------------------------

# Nodes whose value is a container or a text that an unknown part should not wipe out whole.
_PARTIAL_NODES = {
    "expr_term",
    "object",
    "tuple",
    "string",
    "heredoc_template",
    "heredoc_template_trim",
    "get_attr_expr_term",
    "index_expr_term",
}


def evaluate_partial(module: Any, expr: Expression, scope: dict[str, Any] | None = None) -> Any:
    """Like `evaluate`, but an unknown object value, list element or string interpolation
    becomes a placeholder string `${reference}` (e.g. `${data.aws_elb_service_account.this.arn}`,
    or `${...}` for an expression that is not a plain reference) instead of making the whole
    value unknown. For reading documents such as IAM policies whose ARNs are computed: the
    result says *what* a principal refers to. Operators, conditions and function arguments
    keep `evaluate`'s semantics, so a placeholder never decides a comparison. Never raises."""
    return _Evaluator(module, scope or {}, partial=True).settle(_syntax(expr), placeholder(expr))


def placeholder(expr: Expression) -> str:
    """The `${...}` text `evaluate_partial` leaves for an unknown expression."""
    node = _syntax(expr)
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data in ("get_attr_expr_term", "index_expr_term", "identifier"):
        found = traversals(node)
        if found:
            return "${" + _traversal_text(found[0]) + "}"
    return "${...}"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("${") and value.endswith("}")


def _traversal_text(parts: tuple) -> str:
    out = ""
    for part in parts:
        if isinstance(part, Index):
            out += "[*]" if part.key is UNKNOWN else f"[{json.dumps(part.key)}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap_term(node: Any) -> Any:
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return node


def _is_call(node: Tree, name: str) -> bool:
    if node.data != "function_call":
        return False
    idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    return len(idents) == 1 and str(idents[0].children[0]) == name


def _is_jsonencode(node: Tree) -> bool:
    return _is_call(node, "jsonencode")


# --- heredocs as templates -------------------------------------------------------------------


def heredoc_body(raw: str, trim: bool) -> str:
    """The text of a heredoc token (`<<EOT\\n...\\nEOT\\n`), dedented for `<<-`."""
    first_newline = raw.index("\n")
    body = raw[first_newline + 1 :]
    body = body.rstrip("\r\n")
    last_newline = body.rfind("\n")
    body = "" if last_newline == -1 else body[: last_newline + 1]
    body = body.replace("\r\n", "\n")
    if trim:
        # HCL's flush rule: lines that are whitespace only neither count towards the common
        # indentation nor lose any of theirs (hclsyntax flushHeredocTemplateParts).
        lines = body.split("\n")
        widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(widths, default=0)
        body = "\n".join(line[cut:] if line.strip() else line for line in lines)
    return body


def template_tree(body: str) -> Tree | None:
    """Parse heredoc text as a quoted template, so its interpolations can be evaluated. The tree's
    positions are offsets into `template_source(body)`."""
    from fixers.hcl.parser import HclSyntaxError, parse

    source = template_source(body)
    if source is None:
        return None
    try:
        tree = parse(source)
    except HclSyntaxError:
        return None
    return tree.children[0].children[0].children[-1]


def template_source(body: str) -> str | None:
    """Heredoc text written as a one-attribute file holding it as a quoted string (`x = "..."`)."""
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        if body.startswith(("$${", "%%{"), i):
            out.append(body[i : i + 3])
            i += 3
        elif body.startswith(("${", "%{"), i):
            end = sequence_end(body, i + 2)
            if end is None:
                return None
            out.append(body[i:end])
            i = end
        else:
            ch = body[i]
            out.append({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, ch))
            i += 1
    return 'x = "' + "".join(out) + '"\n'


# --- functions -------------------------------------------------------------------------------


_VERB = re.compile(r"%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])")


def _format(fmt: str, *args: Any, room: int = MAX_VALUE_SIZE) -> str:
    """`format()`: the result's size is counted before each piece is padded to its width, so that
    `%999999s` repeated asks for no more than `room` characters in all."""
    out: list[str] = []
    it = iter(args)
    i = size = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            size += 1
            i += 1
            continue
        m = _VERB.match(fmt, i)
        if not m:
            raise EvalError("bad format")
        flags, width, precision, verb = m.groups()
        i = m.end()
        if verb == "%":
            out.append("%")
            size += 1
            continue
        arg = next(it, _NO_ARGUMENT)
        if arg is _NO_ARGUMENT:
            raise EvalError("format: not enough arguments")
        if size + int(width or 0) > room or int(precision or 0) > room - size:
            raise EvalError("format: result too long")
        if verb in ("s", "v"):
            text = template_string_of(arg) if not isinstance(arg, (list, dict)) else json.dumps(arg)
        elif verb == "d":
            text = str(int(_num(arg)))
        elif verb == "f":
            text = f"{_num(arg):.{int(precision or 6)}f}"
        elif verb == "q":
            text = json.dumps(template_string_of(arg))
        elif verb in ("x", "X", "o", "b", "e", "g"):
            text = format(int(_num(arg)) if verb in "xXob" else _num(arg), verb)
        else:
            raise EvalError("unsupported verb")
        if precision and verb in ("s", "v", "q"):
            text = text[: int(precision)]
        size += max(len(text), int(width or 0))
        if size > room:
            raise EvalError("format: result too long")
        if width:
            text = (
                text.ljust(int(width))
                if "-" in flags
                else text.rjust(int(width), "0" if "0" in flags else " ")
            )
        out.append(text)
    return "".join(out)


def _substr(s: str, offset: Any, length: Any) -> str:
    offset, length = int(_num(offset)), int(_num(length))
    if offset < 0:
        offset = max(len(s) + offset, 0)
    return s[offset:] if length < 0 else s[offset : offset + length]


# (pattern, digest of the text) of the regular expressions that ran out of time: a module's values
# are evaluated again by every rule and every fix verification, and each would spend the budget again.
_SLOW_REGEXES: dict[tuple[str, bytes], None] = {}
_SLOW_REGEXES_KEPT = 1024

# The limits of the evaluations whose function calls are running, innermost last: `replace` charges
# its regular expression's CPU time to the evaluation that called it.
_calling: list[_Limits] = []


def _replace(s: str, old: str, new: str) -> str:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        if len(s) + (len(s) + 1) * len(new) > MAX_VALUE_SIZE:
            raise EvalError("replace: result too long")
        # The pattern is the author's, and Python's backtracking engine (unlike Terraform's RE2)
        # can take exponential time on it: a bad or slow pattern makes the value unknown.
        slow = (old, hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=16).digest())
        if slow in _SLOW_REGEXES:
            raise EvalError("replace: the regular expression ran out of time")
        # Each pattern may differ (`"/^(a|a)*${i}$/"` in a loop, under `try`), so the evaluation
        # has one budget for all of its regular expressions; past it, the whole value is unknown.
        limits = _calling[-1] if _calling else _Limits()
        room = min(REGEX_SECONDS, limits.regex_seconds, limits.module_regex_seconds[0])
        if room <= 0:
            raise _Spent("regular expressions ran out of time")
        try:
            pattern = re.compile(old[1:-1])
            started = time.process_time()
            try:
                with Budget(room) as budget:
                    result = pattern.sub(re.sub(r"\$(\d+)", r"\\\1", new), s)
            finally:
                spent = time.process_time() - started
                limits.regex_seconds -= spent
                limits.module_regex_seconds[0] -= spent
        except re.error as exc:
            raise EvalError(f"replace: {exc}") from None
        if budget.expired and budget.seconds == REGEX_SECONDS:
            if len(_SLOW_REGEXES) >= _SLOW_REGEXES_KEPT:
                del _SLOW_REGEXES[next(iter(_SLOW_REGEXES))]
            _SLOW_REGEXES[slow] = None
        if budget.expired:
            raise EvalError("replace: the regular expression ran out of time")
        return result
    if len(s) + (s.count(old) if old else len(s) + 1) * len(new) > MAX_VALUE_SIZE:
        raise EvalError("replace: result too long")
    return s.replace(old, new)


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if arg is UNKNOWN:
            return UNKNOWN
        if arg is not None and arg != "":
            return arg
    raise EvalError("no non-null argument")


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict) or key is UNKNOWN:
        return UNKNOWN
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError("missing key")


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            return UNKNOWN
        out.update(m)
    return out


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            return UNKNOWN
        out.extend(item)
    return out


def _length(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    return UNKNOWN


def _element(lst: Any, i: Any) -> Any:
    if not isinstance(lst, list) or not lst:
        return UNKNOWN
    return lst[int(_num(i)) % len(lst)]


def _flatten(lst: Any) -> Any:
    out: list[Any] = []
    for item in lst:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _jsonencode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    # Computed, not looked up in a list of every subnet: `cidrsubnet("::/0", 120, 0)` has 2^120.
    net = ipaddress.ip_network(prefix, strict=False)
    bits, number = int(_num(newbits)), int(_num(netnum))
    length = net.prefixlen + bits
    if bits < 0 or length > net.max_prefixlen or not 0 <= number < 2**bits:
        raise EvalError("cidrsubnet: no such subnet")
    start = int(net.network_address) + (number << (net.max_prefixlen - length))
    return str(type(net)((start, length)))


def _range(*args: Any) -> list[int]:
    numbers = range(*(int(_num(x)) for x in args))
    if len(numbers) > _MAX_RANGE:
        raise EvalError("range: too many values")  # Terraform's own limit
    return list(numbers)


def _join(sep: str, *lists: Any) -> str:
    items = [template_string_of(v) for lst in lists for v in lst]
    if sum(len(i) for i in items) + len(sep) * len(items) > MAX_VALUE_SIZE:
        raise EvalError("join: result too long")
    return sep.join(items)


def _formatlist(fmt: str, *lists: Any) -> list[str]:
    rows = list(zip(*lists, strict=True))
    out: list[str] = []
    room = MAX_VALUE_SIZE
    for row in rows:  # each row renders into what the rows before it left
        out.append(_format(fmt, *row, room=room))
        room -= len(out[-1]) + 1
    return out


def _multiply(a: int | float, b: int | float) -> int | float:
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > _MAX_INT_BITS:
        raise EvalError("number too large")  # squaring locals in a chain doubles the digits each time
    return a * b


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: Any) -> Any:
    """JSON's `\\ud800` escapes decode to lone surrogates, which no output can encode."""
    if _SURROGATE.search(json.dumps(value, ensure_ascii=False)):
        raise EvalError("surrogate code point")
    return value


def _distinct(lst: list) -> list:
    out: list[Any] = []
    seen: set[Any] = set()  # equal values have equal keys: this is `in out` without the scan
    for item in lst:
        key = _hashable(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _hashable(value: Any) -> Any:
    """A key equal for equal values (as `==` compares them), for a set of collections."""
    if isinstance(value, list):
        return ("list", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    return value


def _slice(lst: list, start: Any, end: Any) -> list:
    return lst[int(_num(start)) : int(_num(end))]


def _tolist(value: Any) -> Any:
    return list(value) if isinstance(value, list) else UNKNOWN


def _one(lst: Any) -> Any:
    if not isinstance(lst, list) or len(lst) > 1:
        raise EvalError("one() needs 0 or 1 elements")
    return lst[0] if lst else None


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "formatlist": _formatlist,
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "substr": _substr,
    "replace": _replace,
    "join": _join,
    "split": lambda sep, s: s.split(sep),
    "concat": _concat,
    "length": _length,
    "trimsuffix": lambda s, suffix: s[: -len(suffix)] if suffix and s.endswith(suffix) else s,
    "trimprefix": lambda s, prefix: s[len(prefix) :] if prefix and s.startswith(prefix) else s,
    "trimspace": lambda s: s.strip(),
    "trim": lambda s, chars: s.strip(chars),
    "chomp": lambda s: s.rstrip("\r\n"),
    "coalesce": _coalesce,
    "coalescelist": lambda *ls: next((lst for lst in ls if lst), UNKNOWN),
    "lookup": _lookup,
    "merge": _merge,
    "jsonencode": _jsonencode,
    "jsondecode": lambda s: _no_surrogates(json.loads(s)),
    "tostring": lambda v: template_string_of(v) if v is not None else None,
    "tonumber": lambda v: _num(v) if v is not None else None,
    "tobool": lambda v: _bool(v) if v is not None else None,
    "tolist": _tolist,
    "toset": lambda v: _distinct(v) if isinstance(v, list) else UNKNOWN,
    "tomap": lambda v: v if isinstance(v, dict) else UNKNOWN,
    "min": lambda *a: min(_num(x) for x in a),
    "max": lambda *a: max(_num(x) for x in a),
    "abs": lambda x: abs(_num(x)),
    "ceil": lambda x: math.ceil(_num(x)),
    "floor": lambda x: math.floor(_num(x)),
    "element": _element,
    "contains": lambda lst, v: v in lst,
    "distinct": _distinct,
    "flatten": _flatten,
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "compact": lambda lst: [v for v in lst if v not in (None, "")],
    "slice": _slice,
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "strrev": lambda s: s[::-1],
    "md5": lambda s: hashlib.md5(s.encode()).hexdigest(),
    "sha1": lambda s: hashlib.sha1(s.encode()).hexdigest(),
    "sha256": lambda s: hashlib.sha256(s.encode()).hexdigest(),
    "base64encode": lambda s: base64.b64encode(s.encode()).decode(),
    "base64decode": lambda s: base64.b64decode(s).decode(),
    "cidrsubnet": _cidrsubnet,
    "range": _range,
    "zipmap": lambda ks, vs: dict(zip(ks, vs, strict=True)),
    "one": _one,
    "sum": lambda lst: sum(_num(x) for x in lst),
    "alltrue": lambda lst: all(_bool(x) for x in lst),
    "anytrue": lambda lst: any(_bool(x) for x in lst),
    "reverse": lambda lst: list(reversed(lst)),
    "sort": lambda lst: sorted(lst),
    "index": lambda lst, v: lst.index(v),
}

# Functions whose result can be known while some arguments are not fully known.
_PARTIAL_FUNCTIONS = {
    "coalesce",
    "lookup",
    "merge",
    "concat",
    "length",
    "element",
    "flatten",
    "one",
    "coalescelist",
}
