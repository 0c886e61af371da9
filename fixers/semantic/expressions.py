"""A typed view of HCL expressions, so that rules never see the parser's grammar.

`view(attribute)` (or `Attribute.expression`) gives one of the classes below. Each keeps the parse
node it stands for (`syntax`, for the evaluator and the edit toolkit) and its span in the file, so a
rule can point at an object key or insert after a tuple's last element. Parentheses and the
grammar's wrapper nodes are looked through: `(var.x)` is the `Reference` `var.x`.

The view is built lazily, node by node: a rule that asks whether a value is a `Call` to `jsonencode`
pays for that node and its arguments, not for the whole expression.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lark import Token, Tree

from fixers.hcl.source import SourceText

_NOISE = "new_line_or_comment"


class Expr:
    """An expression: its kind is its class. `start`/`end` are offsets into `text`, which is the
    file's text (`file` set) or, inside a heredoc, the heredoc's template (`file` None)."""

    __slots__ = ("file", "syntax", "text")

    def __init__(self, syntax: Tree | Token, text: str, file: SourceText | None) -> None:
        self.syntax = syntax
        self.text = text
        self.file = file

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.source!r})"

    @property
    def start(self) -> int:
        return _start(self.syntax)

    @property
    def end(self) -> int:
        return _end(self.syntax)

    @property
    def source(self) -> str:
        return self.text[self.start : self.end]

    @property
    def positioned(self) -> bool:
        """True when `start`/`end` are offsets into `file` (not into a heredoc's template)."""
        return self.file is not None

    def children(self) -> list[Expr]:
        """The expressions directly inside this one, in source order."""
        return []

    def walk(self) -> Iterator[Expr]:
        """This expression and every expression inside it, depth first, in source order."""
        stack: list[Expr] = [self]
        while stack:
            expr = stack.pop()
            yield expr
            stack.extend(reversed(expr.children()))

    def _view(self, node: Tree | Token) -> Expr:
        return _make(node, self.text, self.file)


class Literal(Expr):
    """A number, `true`, `false` or `null`."""

    __slots__ = ()

    @property
    def value(self) -> int | float | bool | None:
        node = self.syntax
        token = str(node.children[0])
        if node.data == "literal_value":
            return {"true": True, "false": False, "null": None}[token]
        from fixers.evaluate import evaluate

        return evaluate(None, node)

    @property
    def is_null(self) -> bool:
        return self.syntax.data == "literal_value" and str(self.syntax.children[0]) == "null"


class Template(Expr):
    """A quoted string or a heredoc: literal text with `${...}` interpolations and `%{...}`
    directives. `text_value` is its text when it holds neither."""

    __slots__ = ()

    @property
    def heredoc(self) -> bool:
        return self.syntax.data in ("heredoc_template", "heredoc_template_trim")

    @property
    def trim(self) -> bool:
        """`<<-EOT`: the heredoc's common indentation is removed."""
        return self.syntax.data == "heredoc_template_trim"

    @property
    def raw(self) -> str:
        """A heredoc's whole token (`<<EOT\\n...\\nEOT\\n`); a quoted string's source."""
        if self.heredoc:
            return str(self.syntax.children[0])
        return self.source

    @property
    def body(self) -> str:
        """A heredoc's text as Terraform reads it (dedented for `<<-`), sequences unexpanded; a
        quoted string's text between the quotes, escapes as written."""
        if self.heredoc:
            from fixers.evaluate import heredoc_body

            return heredoc_body(self.raw, self.trim)
        return self.source[1:-1]

    @property
    def text_value(self) -> str | None:
        """The string, when the template holds no interpolation and no directive."""
        if self._template() is not None:
            return None
        from fixers.evaluate import evaluate

        value = evaluate(None, self.syntax)
        return value if isinstance(value, str) else None

    @property
    def has_sequences(self) -> bool:
        """True when the template holds a `${...}` or `%{...}` sequence."""
        return self._template() is not None

    def children(self) -> list[Expr]:
        """The expressions of its interpolations and directives (a `%{for}`'s names are not)."""
        template = self._template()
        if template is None:
            return []
        if template is self.syntax:
            text, file = self.text, self.file
        else:
            from fixers.evaluate import template_source

            text, file = template_source(self.body) or "", None
        out: list[Expr] = []
        for part in template.children:
            if not isinstance(part, Tree):
                continue
            for piece in part.children:
                if not isinstance(piece, Tree):
                    continue
                inner = _inner(piece)
                if piece.data == "template_for_start":
                    inner = inner[-1:]
                out.extend(_make(c, text, file) for c in inner)
        return out

    def _template(self) -> Tree | None:
        """The string node holding the sequences: the node itself for a quoted string, the heredoc's
        body parsed as a template for a heredoc; None when there are no sequences."""
        if self.heredoc:
            from fixers.evaluate import heredoc_template

            tree = heredoc_template(self.raw, self.trim)
            return None if tree is None else _unwrap(tree)
        for part in self.syntax.children:
            if isinstance(part, Tree) and any(isinstance(p, Tree) for p in part.children):
                return self.syntax
        return None


class Tuple(Expr):
    """`[a, b, c]`."""

    __slots__ = ()

    @property
    def items(self) -> list[Expr]:
        return [self._view(c) for c in _inner(self.syntax)]

    def children(self) -> list[Expr]:
        return self.items


@dataclass(frozen=True)
class ObjectItem:
    """One `key = value` of an object constructor. `name` is the key as Terraform reads a bare
    identifier or a literal string key; None when the key is computed (`(var.k) = ...`).
    `start`/`end` span the item; `key_end` is where the key as written ends and `value_start` where
    the value as written starts (parentheses included, which `key`/`value` look through)."""

    key: Expr
    value: Expr
    name: str | None
    start: int
    end: int
    key_end: int
    value_start: int


class Object(Expr):
    """`{ key = value, ... }`."""

    __slots__ = ()

    @property
    def items(self) -> list[ObjectItem]:
        out = []
        for elem in _inner(self.syntax):
            key_node, value_node = elem.children[0], elem.children[-1]
            inner = [_unwrap(c) for c in _inner(key_node)]
            if not inner or inner[0].data == "keyword":
                key: Expr = _Keyword(inner[0] if inner else key_node, self.text, self.file)
            else:
                key = self._view(inner[0])
            out.append(
                ObjectItem(
                    key,
                    self._view(value_node),
                    _key_name(key),
                    _start(elem),
                    _end(elem),
                    _end(key_node),
                    _start(value_node),
                )
            )
        return out

    def get(self, name: str) -> Expr | None:
        """The value of the last item whose key is `name` (Terraform keeps the last duplicate)."""
        found = None
        for item in self.items:
            if item.name == name:
                found = item.value
        return found

    def children(self) -> list[Expr]:
        return [e for item in self.items for e in (item.key, item.value)]


class _Keyword(Expr):
    """An object key spelt as a keyword (`in`, `for`): a name, never an expression."""

    __slots__ = ()


def _key_name(key: Expr) -> str | None:
    if isinstance(key, _Keyword):
        return _token_text(key.syntax)
    if isinstance(key, Reference) and len(key.parts) == 1:
        return key.parts[0]
    if isinstance(key, Template):
        return key.text_value
    if isinstance(key, Literal) and isinstance(key.value, (int, float)) and not isinstance(key.value, bool):
        from fixers.evaluate import template_string_of

        return template_string_of(key.value)
    return None


class Reference(Expr):
    """A name and the steps after it: `var.x`, `aws_s3_bucket.logs[0].id`, `each.value`, `local.l`.
    `parts` is the tuple `fixers.evaluate.traversals` gives (index steps are `Index` values, UNKNOWN
    when not a literal)."""

    __slots__ = ()

    @property
    def parts(self) -> tuple:
        return _reference_parts(self.syntax)

    @property
    def root(self) -> str:
        return self.parts[0]

    @property
    def names(self) -> tuple[str, ...]:
        """The leading names before the first index step: `aws_instance.web[0].id` ->
        ("aws_instance", "web")."""
        out = []
        for part in self.parts:
            if not isinstance(part, str):
                break
            out.append(part)
        return tuple(out)

    @property
    def base(self) -> Reference | None:
        """The reference without its last step (`local.m[var.k]` -> `local.m`); None for a name."""
        if self.syntax.data == "identifier":
            return None
        return self._view(self.syntax.children[0])

    @property
    def key(self) -> str | int | Expr | None:
        """The last step: an attribute name, a `.0` index, or the expression in `[...]` (as
        `Access.key`); None for a name."""
        if self.syntax.data == "identifier":
            return None
        return _last_step(self)

    def children(self) -> list[Expr]:
        """The expressions of non-literal index steps (`var.m[var.k]` holds `var.k`)."""
        out: list[Expr] = []
        node = self.syntax
        while isinstance(node, Tree) and node.data in ("get_attr_expr_term", "index_expr_term", "expr_term"):
            if node.data == "index_expr_term" and node.children[1].data == "braces_index":
                out.extend(self._view(c) for c in _inner(node.children[1]))
            node = _inner(node)[0] if node.data == "expr_term" else node.children[0]
        return out[::-1]


class Call(Expr):
    """`name(args...)`; `expand` for a final `...` argument."""

    __slots__ = ()

    @property
    def name(self) -> str:
        idents = [c for c in self.syntax.children if isinstance(c, Tree) and c.data == "identifier"]
        return "::".join(_token_text(i) for i in idents)

    @property
    def args(self) -> list[Expr]:
        node = self._arguments()
        return [] if node is None else [self._view(c) for c in _inner(node)]

    @property
    def expand(self) -> bool:
        node = self._arguments()
        return node is not None and any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)

    def _arguments(self) -> Tree | None:
        return next((c for c in self.syntax.children if isinstance(c, Tree) and c.data == "arguments"), None)

    def children(self) -> list[Expr]:
        return self.args


class Conditional(Expr):
    """`condition ? if_true : if_false`."""

    __slots__ = ()

    @property
    def condition(self) -> Expr:
        return self._view(_inner(self.syntax)[0])

    @property
    def if_true(self) -> Expr:
        return self._view(_inner(self.syntax)[1])

    @property
    def if_false(self) -> Expr:
        return self._view(_inner(self.syntax)[2])

    def children(self) -> list[Expr]:
        return [self._view(c) for c in _inner(self.syntax)]


class BinaryOp(Expr):
    """`left op right`: arithmetic, comparison, `&&`, `||`."""

    __slots__ = ()

    @property
    def op(self) -> str:
        return str(_inner(self.syntax)[1].children[0].children[0])

    @property
    def left(self) -> Expr:
        return self._view(_inner(self.syntax)[0])

    @property
    def right(self) -> Expr:
        return self._view(_inner(_inner(self.syntax)[1])[-1])

    def children(self) -> list[Expr]:
        return [self.left, self.right]


class UnaryOp(Expr):
    """`!x` or `-x`."""

    __slots__ = ()

    @property
    def op(self) -> str:
        return str(self.syntax.children[0])

    @property
    def operand(self) -> Expr:
        return self._view(self.syntax.children[1])

    def children(self) -> list[Expr]:
        return [self.operand]


class For(Expr):
    """`[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`.
    `key_var` is None when only one name is bound; `key` is None for a tuple."""

    __slots__ = ()

    @property
    def is_object(self) -> bool:
        return self.syntax.data == "for_object_expr"

    @property
    def names(self) -> tuple[str, ...]:
        """The names the loop binds, in order (`k, v`, or just `v`)."""
        return tuple(
            _token_text(c) for c in self._intro().children if isinstance(c, Tree) and c.data == "identifier"
        )

    @property
    def key_var(self) -> str | None:
        names = self.names
        return names[0] if len(names) == 2 else None

    @property
    def value_var(self) -> str:
        return self.names[-1]

    @property
    def collection(self) -> Expr:
        intro = self._intro()
        return self._view(next(c for c in _inner(intro) if c.data != "identifier"))

    @property
    def key(self) -> Expr | None:
        return self._view(self._bodies()[0]) if self.is_object else None

    @property
    def value(self) -> Expr:
        return self._view(self._bodies()[-1])

    @property
    def condition(self) -> Expr | None:
        cond = next((c for c in self.syntax.children if isinstance(c, Tree) and c.data == "for_cond"), None)
        return None if cond is None else self._view(_inner(cond)[0])

    @property
    def grouped(self) -> bool:
        """`{for ... : k => v...}`: values with the same key are gathered into a list."""
        return any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in self.syntax.children)

    def _intro(self) -> Tree:
        return next(c for c in self.syntax.children if isinstance(c, Tree) and c.data == "for_intro")

    def _bodies(self) -> list[Tree]:
        return [c for c in _inner(self.syntax) if c.data not in ("for_intro", "for_cond")]

    def children(self) -> list[Expr]:
        out = [self.collection]
        if self.is_object:
            out.append(self.key)
        out.append(self.value)
        if self.condition is not None:
            out.append(self.condition)
        return out


class Splat(Expr):
    """`base[*].a.b` or `base.*.a`: `steps` are the attribute names and index values after it."""

    __slots__ = ()

    @property
    def base(self) -> Expr:
        return self._view(self.syntax.children[0])

    @property
    def full(self) -> bool:
        return self.syntax.data == "full_splat_expr_term"

    @property
    def steps(self) -> tuple:
        from fixers.evaluate import Index, evaluate

        out: list[Any] = []
        for step in self.syntax.children[1].children:
            if isinstance(step, Token):
                continue
            if step.data == "get_attr":
                out.append(_token_text(step.children[-1]))
            elif step.data == "short_index":
                out.append(Index(int(str(step.children[-1]))))
            else:
                out.append(Index(evaluate(None, _inner(step)[0])))
        return tuple(out)

    def children(self) -> list[Expr]:
        return [self.base]


class Access(Expr):
    """An attribute or index step on something that is not a name: `f(x)[0]`, `[a, b][i]`,
    `{a = 1}.a`. `key` is the attribute name or the index expression."""

    __slots__ = ()

    @property
    def base(self) -> Expr:
        return self._view(self.syntax.children[0])

    @property
    def key(self) -> str | int | Expr:
        return _last_step(self)

    def children(self) -> list[Expr]:
        key = self.key
        return [self.base] + ([key] if isinstance(key, Expr) else [])


def _last_step(expr: Expr) -> str | int | Expr:
    """The step a `get_attr`/`index` node adds to its base: a name, a `.0` index or the `[...]`
    expression."""
    step = expr.syntax.children[1]
    if expr.syntax.data == "get_attr_expr_term":
        return _token_text(step.children[-1])
    if step.data == "short_index":
        return int(str(step.children[-1]))
    return expr._view(_inner(step)[0])


class Other(Expr):
    """Syntax the view does not model (an escaped template string inside a directive)."""

    __slots__ = ()


def call_of(expr: Expr, *names: str) -> Call | None:
    """`expr` when it calls one of `names` (any function without names), else None."""
    if isinstance(expr, Call) and (not names or expr.name in names):
        return expr
    return None


def string_of(expr: Expr) -> str | None:
    """The text of a quoted string or heredoc without sequences, else None."""
    return expr.text_value if isinstance(expr, Template) else None


def known_parts(module: Any, expr: Expr) -> Any:
    """The value of `expr` as `fixers.evaluate.evaluate` gives it, except that a tuple or object
    constructor keeps its known elements when others are unknown (those are UNKNOWN): a policy
    statement with an unknown ARN still shows its actions. An object whose keys cannot all be known
    is UNKNOWN."""
    from fixers.evaluate import UNKNOWN, evaluate

    if isinstance(expr, Tuple):
        return [known_parts(module, item) for item in expr.items]
    if isinstance(expr, Object):
        out: dict[str, Any] = {}
        for item in expr.items:
            key = item.key
            name = key.root if isinstance(key, Reference) and len(key.parts) == 1 else evaluate(module, key)
            if not isinstance(name, str):
                return UNKNOWN
            out[name] = known_parts(module, item.value)
        return out
    return evaluate(module, expr)


def json_value(module: Any, attribute: Any) -> Any:
    """The document an attribute holds as JSON: `jsonencode(x)` read with `known_parts`, or a
    string value decoded (UNKNOWN when the value is not known). Raises ValueError when the string is
    not JSON."""
    import json

    encoded = call_of(attribute.expression, "jsonencode")
    if encoded is not None and len(args := encoded.args) == 1:
        return known_parts(module, args[0])
    value = attribute.value()
    return json.loads(value) if isinstance(value, str) else value


def parse_expression(source: str) -> Expr | None:
    """An expression written as text outside an attribute (the body of a `${...}` sequence found in
    a template's text), or None when it does not parse. Its offsets are into `source`."""
    from fixers.hcl.parser import HclSyntaxError, parse

    prefix = "x = "
    try:
        tree = parse(prefix + source + "\n")
    except HclSyntaxError:
        return None
    statements = _inner(tree.children[0]) if tree.children else []
    if len(statements) != 1 or statements[0].data != "attribute":
        return None
    node = statements[0].children[-1]
    # The tree is ours alone: its positions move to be offsets into `source`.
    shift = len(prefix)
    for subtree in node.iter_subtrees():
        if not subtree.meta.empty:
            subtree.meta.start_pos -= shift
            subtree.meta.end_pos -= shift
        for token in subtree.children:
            if isinstance(token, Token) and token.start_pos is not None:
                token.start_pos -= shift
                token.end_pos -= shift
    return _make(node, source, None)


def template_of(text: str) -> Template | None:
    """`text` read as a template (the contents of a template file, or a script about to become
    one), for evaluating it; None when it does not parse. Without positions in `text`."""
    from fixers.evaluate import template_source, template_tree

    tree = template_tree(text)
    if tree is None:
        return None
    found = _make(tree, template_source(text) or "", None)
    return found if isinstance(found, Template) else None


# --- building ------------------------------------------------------------------------------------


def view(subject: Any) -> Expr:
    """The typed view of an attribute's value (a model `Attribute`), or of an expression the view
    already holds."""
    if isinstance(subject, Expr):
        return subject
    return _make(subject.expr, subject.file.text, subject.file)


def _make(node: Tree | Token, text: str, file: SourceText | None) -> Expr:
    node = _unwrap(node)
    if not isinstance(node, Tree):
        return Other(node, text, file)
    kind = node.data
    if kind in ("get_attr_expr_term", "index_expr_term"):
        return (Reference if _reference_parts(node) is not None else Access)(node, text, file)
    return _KINDS.get(kind, Other)(node, text, file)


_KINDS: dict[str, type[Expr]] = {
    "int_lit": Literal,
    "float_lit": Literal,
    "literal_value": Literal,
    "string": Template,
    "heredoc_template": Template,
    "heredoc_template_trim": Template,
    "tuple": Tuple,
    "object": Object,
    "identifier": Reference,
    "function_call": Call,
    "conditional": Conditional,
    "binary_op": BinaryOp,
    "unary_op": UnaryOp,
    "for_tuple_expr": For,
    "for_object_expr": For,
    "attr_splat_expr_term": Splat,
    "full_splat_expr_term": Splat,
}


def _unwrap(node: Tree | Token) -> Tree | Token:
    while isinstance(node, Tree) and node.data == "expr_term":
        inner = _inner(node)
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _inner(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != _NOISE]


def _reference_parts(node: Tree) -> tuple | None:
    from fixers.evaluate import traversal_parts

    if node.data == "identifier":
        return (_token_text(node),)
    return traversal_parts(node)


def _token_text(node: Tree | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    return "".join(_token_text(c) for c in node.children)


def _start(node: Tree | Token) -> int:
    if isinstance(node, Token):
        return node.start_pos
    return node.meta.start_pos


def _end(node: Tree | Token) -> int:
    if isinstance(node, Token):
        return node.end_pos
    return node.meta.end_pos
