"""The HCL model: one `Module` per directory, its blocks and attributes with exact spans.

Built from python-hcl2's positioned Lark tree. Offsets are character offsets into the file's
decoded text; everything a rule or an edit needs (lines, indentation, the value's source text)
is derived from them.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lark import Token, Tree

from fixers.hcl.source import SourceText
from fixers.hcl.template_text import sequence_end

if TYPE_CHECKING:
    from fixers.semantic.expressions import Expr

_META_ARGUMENTS = ("count", "for_each", "provider", "depends_on", "lifecycle")


@dataclass(eq=False)
class Attribute:
    name: str
    file: SourceText
    start: int  # first character of the name
    end: int  # last character of the value, exclusive
    value_start: int
    value_end: int
    eq_start: int  # where the whitespace before "=" starts (terraform fmt pads it)
    expr: Tree
    block: Block | None

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def source(self) -> str:
        return self.file.text[self.value_start : self.value_end]

    @property
    def line(self) -> int:
        return self.file.line_col(self.start)[0]

    @property
    def end_line(self) -> int:
        return self.file.line_col(max(self.end - 1, self.start))[0]

    @property
    def is_heredoc(self) -> bool:
        node = self.expr
        while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
            node = node.children[0]
        return isinstance(node, Tree) and node.data in ("heredoc_template", "heredoc_template_trim")

    @property
    def single_line(self) -> bool:
        """True when terraform fmt aligns this attribute's "=" with its neighbours."""
        return self.is_heredoc or self.file.line_col(self.value_start)[0] == self.end_line

    @functools.cached_property
    def expression(self) -> Expr:
        """The value's typed view (fixers.semantic.expressions): what rules read instead of `expr`."""
        from fixers.semantic.expressions import view

        return view(self)

    def value(self, scope: dict[str, Any] | None = None) -> Any:
        from fixers.evaluate import evaluate, evaluate_attribute

        if not scope:
            return evaluate_attribute(self)
        module = self.block.module if self.block is not None else None
        return evaluate(module, self.expr, scope)


@dataclass(eq=False)
class Block:
    type: str
    labels: list[str]
    file: SourceText
    start: int
    end: int  # just after the closing brace
    body_start: int  # just after the opening brace
    body_end: int  # at the closing brace
    parent: Block | None = None
    module: Any = None  # the Module, set when the module is assembled
    attributes: dict[str, Attribute] = field(default_factory=dict)
    attribute_list: list[Attribute] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    # -- identity -------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self.file.path

    @property
    def address(self) -> str:
        if self.parent is not None:
            return f"{self.parent.address}.{self.type}"
        if self.type == "resource" and len(self.labels) == 2:
            return f"{self.labels[0]}.{self.labels[1]}"
        if self.type == "data" and len(self.labels) == 2:
            return f"data.{self.labels[0]}.{self.labels[1]}"
        prefix = {"variable": "var", "module": "module", "output": "output", "provider": "provider"}
        if self.type in prefix and self.labels:
            return f"{prefix[self.type]}.{self.labels[0]}"
        return ".".join([self.type, *self.labels])

    @property
    def resource_type(self) -> str:
        return self.labels[0] if self.type in ("resource", "data") and self.labels else ""

    @property
    def name(self) -> str:
        return self.labels[-1] if self.labels else self.type

    # -- positions ------------------------------------------------------------------------
    @property
    def line(self) -> int:
        return self.file.line_col(self.start)[0]

    @property
    def end_line(self) -> int:
        return self.file.line_col(max(self.end - 1, self.start))[0]

    @property
    def indent(self) -> str:
        line_start = self.file.line_start(self.line)
        text = self.file.text[line_start : self.start]
        return text if not text.strip() else " " * len(text)

    @property
    def body_indent(self) -> str:
        for item in self.items():
            return item.file.text[item.file.line_start(item.line) : item.start]
        return self.indent + "  "

    def items(self) -> list[Attribute | Block]:
        """Attributes and nested blocks in source order."""
        return sorted([*self.attribute_list, *self.blocks], key=lambda n: n.start)

    # -- content --------------------------------------------------------------------------
    def get(self, name: str) -> Attribute | None:
        return self.attributes.get(name)

    def value(self, name: str, default: Any = None, scope: dict[str, Any] | None = None) -> Any:
        attr = self.attributes.get(name)
        return default if attr is None else attr.value(scope)

    def has(self, name: str) -> bool:
        return name in self.attributes

    def nested(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]

    def dynamic(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == "dynamic" and b.labels[:1] == [block_type]]

    @property
    def count(self) -> Attribute | None:
        return self.attributes.get("count")

    @property
    def for_each(self) -> Attribute | None:
        return self.attributes.get("for_each")

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.blocks:
            yield from child.walk()


def _token_text(node: Tree | Token) -> str:
    """The text of a block-type or label node: identifier, keyword, literal_value or string."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(str(t) for part in node.children if isinstance(part, Tree) for t in part.children)
    return "".join(_token_text(c) for c in node.children)


def _start(node: Tree | Token) -> int:
    return node.start_pos if isinstance(node, Token) else node.meta.start_pos


def _end(node: Tree | Token) -> int:
    return node.end_pos if isinstance(node, Token) else node.meta.end_pos


def _value_end(file: SourceText, expr: Tree) -> int:
    end = _end(expr)
    # Heredoc tokens swallow the newline after their closing marker.
    while end > 0 and file.text[end - 1 : end] in ("\n", "\r"):
        end -= 1
    return end


def bare_interpolations(expr: Tree) -> Tree:
    """`expr` with every quoted string that is one interpolation and nothing else (`"${x}"`, the
    Terraform 0.11 way to write a reference) replaced by the expression inside, which is what
    Terraform makes of it: the value of `x` itself, not its text. The tree is copied where it
    changes; the parse tree stays as parsed. Without recursion: expressions nest thousands deep."""
    done: dict[int, Tree] = {}
    stack: list[tuple[Tree, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if not children_done:
            stack.append((node, True))
            stack.extend((c, False) for c in node.children if isinstance(c, Tree))
            continue
        children = [done.pop(id(c)) if isinstance(c, Tree) else c for c in node.children]
        changed = any(new is not old for new, old in zip(children, node.children, strict=True))
        new = Tree(node.data, children, node.meta) if changed else node
        inner = _only_interpolation(new)
        done[id(node)] = new if inner is None else inner
    return done[id(expr)]


def _lone_interpolation_in(text: str, expr: Tree) -> bool:
    """Whether the expression's text may hold a `"${...}"` with nothing else in the quotes, so that
    the tree is walked only where one may be (a policy full of `"arn:${...}"` templates has none)."""
    found = _lone_interpolations(text)
    if not found:
        return False
    i = bisect.bisect_left(found, _start(expr))
    return i < len(found) and found[i] < _end(expr)


@functools.lru_cache(maxsize=64)
def _lone_interpolations(text: str) -> list[int]:
    """Where `"${...}"` strings with nothing else in the quotes start in a file: one scan per file."""
    found = []
    i = text.find('"${')
    while i != -1:
        close = sequence_end(text, i + 3)
        if close is not None and text.startswith('"', close):
            found.append(i)
        i = text.find('"${', i + 3)
    return found


def _only_interpolation(node: Tree) -> Tree | None:
    if node.data != "string":
        return None
    parts = [c for c in node.children if isinstance(c, Tree)]
    if len(parts) != 1 or parts[0].data != "string_part" or len(parts[0].children) != 1:
        return None
    piece = parts[0].children[0]
    if not isinstance(piece, Tree) or piece.data != "interpolation" or len(piece.children) != 3:
        return None  # text around it, or a strip marker (`${~ x}`), makes it a template
    return piece.children[1] if isinstance(piece.children[1], Tree) else None


def build_body(file: SourceText, body: Tree, parent: Block | None) -> tuple[list[Attribute], list[Block]]:
    attributes: list[Attribute] = []
    blocks: list[Block] = []
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name_node, eq, expr = child.children[0], child.children[1], child.children[-1]
            attributes.append(
                Attribute(
                    name=_token_text(name_node),
                    file=file,
                    start=_start(name_node),
                    end=_value_end(file, expr),
                    value_start=_start(expr),
                    value_end=_value_end(file, expr),
                    eq_start=_start(eq),
                    expr=bare_interpolations(expr) if _lone_interpolation_in(file.text, expr) else expr,
                    block=parent,
                )
            )
        elif child.data == "block":
            blocks.append(build_block(file, child, parent))
    return attributes, blocks


def build_block(file: SourceText, node: Tree, parent: Block | None) -> Block:
    header: list[str] = []
    lbrace = rbrace = None
    body = None
    for child in node.children:
        if isinstance(child, Token):
            if child.type == "LBRACE":
                lbrace = child
            elif child.type == "RBRACE":
                rbrace = child
        elif child.data == "body":
            body = child
        elif child.data != "new_line_or_comment":
            header.append(_token_text(child))
    block = Block(
        type=header[0],
        labels=header[1:],
        file=file,
        start=node.meta.start_pos,
        end=node.meta.end_pos,
        body_start=lbrace.end_pos if lbrace is not None else node.meta.start_pos,
        body_end=rbrace.start_pos if rbrace is not None else node.meta.end_pos,
        parent=parent,
    )
    if body is not None:
        attrs, blocks = build_body(file, body, block)
        block.attribute_list = attrs
        block.attributes = {a.name: a for a in attrs}
        block.blocks = blocks
    return block


def blocks_of_file(file: SourceText, tree: Tree) -> list[Block]:
    body = tree.children[0] if tree.children else None
    if body is None:
        return []
    _, blocks = build_body(file, body, None)
    return blocks
