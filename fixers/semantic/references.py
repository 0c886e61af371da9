"""Who refers to what in a module: addresses, and one reference graph per module.

`Address` is a Terraform address (`aws_s3_bucket.logs[0]`, `data.aws_iam_policy_document.p`,
`var.name`, `local.name`, `module.vpc.vpc_id`), read from a reference in an expression or from
text. `ReferenceGraph` (one per module, `Module.reference_graph()`) knows, for every attribute, the
addresses it mentions, and for every block and local, who mentions it; it answers what an attribute
reaches through locals, whether one block depends on another, and whether the module has a
dependency cycle. Rules, companions, fix verification and the PR comparison all ask it, so that a
reference means the same everywhere: legacy `"${aws_x.y.id}"` interpolation, heredoc templates and
references inside index expressions included.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from lark import Tree

from fixers.evaluate import UNKNOWN, Index, traversals

if TYPE_CHECKING:
    from fixers.model import Attribute, Block
    from fixers.module import Module

# Roots of a traversal that name no object of the module (`count.index`, `each.value`, `self.id`,
# `path.module`, `terraform.workspace`).
_NOT_ADDRESSES = frozenset({"count", "each", "self", "path", "terraform"})
# Roots with a fixed meaning; any other root is a managed resource type (`aws_s3_bucket`).
_NAMED = {"var": "var", "local": "local", "module": "module", "output": "output", "provider": "provider"}
_TYPED = {"data": "data", "ephemeral": "ephemeral"}


class Address(NamedTuple):
    """A Terraform address. `kind` is "resource", "data", "ephemeral", "var", "local", "module",
    "output" or "provider"; `type` the resource type (resource, data, ephemeral; "" otherwise);
    `name` the block's (or local's, variable's) name; `key` the instance key when the reference
    gives one (`[0]`, `["a"]`; UNKNOWN for a computed key such as `[count.index]`, None without a
    key); `output` the output read from a module call (`module.vpc.vpc_id`)."""

    kind: str
    type: str
    name: str
    key: Any = None
    output: str | None = None

    @classmethod
    def from_traversal(cls, parts: tuple) -> Address | None:
        """The address a reference names, as `fixers.evaluate.traversals` gives it:
        ("aws_s3_bucket", "logs", Index(0), "id") -> aws_s3_bucket.logs[0]. None for references
        that name nothing in the module (`count.index`, `each.key`, `path.module`, a bare name)."""
        split = _split(parts)
        return split[0] if split is not None else None

    @classmethod
    def parse(cls, text: str) -> Address | None:
        """`module.x`, `data.aws_iam_policy_document.p`, `aws_s3_bucket.b[0]`, `var.x`,
        `module.m["a"].out`, ... as an Address; None for text that is no address."""
        parts: list[Any] = []
        position, text = 0, text.strip()
        while position < len(text):
            step = _STEP.match(text, position)
            if step is None:
                return None
            if step["name"] is not None:
                if parts and not step.group(0).startswith("."):
                    return None
                parts.append(step["name"])
            elif step["number"] is not None:
                parts.append(Index(int(step["number"])))
            else:
                parts.append(Index(json.loads(step["string"])))
            position = step.end()
        if text.startswith("."):
            return None
        split = _split(tuple(parts))
        if split is None or split[1]:
            return None  # attributes after the address (`aws_s3_bucket.b.id`) are no part of it
        return split[0]

    @property
    def node(self) -> str:
        """The address of the block (or local) itself, without instance key or module output: the
        name the graph and `Module.find` know it by (`aws_s3_bucket.logs`, `local.name`)."""
        if self.kind in ("resource",):
            return f"{self.type}.{self.name}"
        if self.kind in _TYPED:
            return f"{self.kind}.{self.type}.{self.name}"
        return f"{self.kind}.{self.name}"

    def __str__(self) -> str:
        """Terraform's spelling. A computed key (`[count.index]`) is left out: the text names the
        resource as a whole."""
        text = self.node
        if self.key is not None and self.key is not UNKNOWN:
            text += f"[{json.dumps(self.key)}]" if isinstance(self.key, str) else f"[{self.key}]"
        if self.output is not None:
            text += f".{self.output}"
        return text


_STEP = re.compile(
    r"\.?(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|\[(?:(?P<number>\d+)|(?P<string>\"(?:[^\"\\]|\\.)*\"))\]"
)


def _split(parts: tuple) -> Mention | None:
    """The address `parts` starts with and the steps after it, or None."""
    if len(parts) < 2 or not isinstance(parts[0], str) or not isinstance(parts[1], str):
        return None
    root = parts[0]
    if root in _NOT_ADDRESSES:
        return None
    if root in _TYPED:
        if len(parts) < 3 or not isinstance(parts[2], str):
            return None
        kind, type_, name, rest = _TYPED[root], parts[1], parts[2], parts[3:]
    elif root in _NAMED:
        kind, type_, name, rest = _NAMED[root], "", parts[1], parts[2:]
    else:
        kind, type_, name, rest = "resource", root, parts[1], parts[2:]
    key = None
    if rest and isinstance(rest[0], Index):
        key, rest = rest[0].key, rest[1:]
    output = None
    if kind == "module" and rest and isinstance(rest[0], str):
        output, rest = rest[0], rest[1:]
    return Mention(Address(kind, type_, name, key, output), rest)


class Mention(NamedTuple):
    """A reference in an expression: the address it names and what it reads of it (`("id",)`)."""

    address: Address
    rest: tuple


def mentions_in(expr: Any) -> list[Mention]:
    """The references in `expr` that name an address, in the order they are written."""
    return [m for m in map(_split, traversals(expr)) if m is not None]


# An attribute's mentions follow from its text alone, and fix verification builds many versions of a
# module that differ in a few blocks (as do the modules of one repository): they are kept by text.
_BY_TEXT: dict[str, tuple[Mention, ...]] = {}
_BY_TEXT_KEPT = 20_000


def _mentions_of(attr: Attribute) -> tuple[Mention, ...]:
    text = attr.source
    found = _BY_TEXT.get(text)
    if found is None:
        found = tuple(mentions_in(attr.expr))
        if len(_BY_TEXT) >= _BY_TEXT_KEPT:
            _BY_TEXT.clear()
        _BY_TEXT[text] = found
    return found


def sole_reference(expr: Any) -> Mention | None:
    """The reference when `expr` is one and nothing else (`var.x`, `aws_s3_bucket.b[0].id`, and the
    legacy `"${var.x}"`, which the model reads as the bare reference; not `(var.x)`, `"x${var.x}"`
    nor `var.x + 1`), else None."""
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if not (isinstance(node, Tree) and node.data in ("get_attr_expr_term", "index_expr_term")):
        return None
    found = traversals(node)
    return _split(found[0]) if found else None


class Reference(NamedTuple):
    """`source` (a top-level block) mentions `address` in `attribute` (of the block or one of its
    nested blocks; for a `locals` block, the local). `origin` is the node the reference is made
    from: the block's address, or `local.name`."""

    source: Block
    attribute: Attribute
    address: Address
    rest: tuple  # what the reference reads after the address, e.g. ("id",)
    origin: str

    @property
    def target(self) -> str:
        """The node mentioned (`aws_s3_bucket.logs`, `local.name`)."""
        return self.address.node

    @property
    def index(self) -> Any:
        """The instance key the reference uses (`aws_s3_bucket.logs[0]`), when it gives one."""
        return self.address.key


# The nodes Terraform orders: a cycle among them is `terraform validate`'s "Cycle: ...".
_ORDERED_KINDS = ("resource", "data", "module")


class ReferenceGraph:
    """Every reference of one module, forward (what a block, local or attribute mentions) and
    reverse (who mentions a block or local). Built once per module: `Module.reference_graph()`."""

    def __init__(self, module: Module) -> None:
        self._module = module
        self._direct: dict[int, tuple[Mention, ...]] = {}  # id(attribute) -> its mentions
        self._to: dict[str, list[Reference]] = defaultdict(list)
        self._from: dict[str, list[Reference]] = defaultdict(list)
        self._reach: dict[int, frozenset[str]] = {}
        self._edges: dict[str, set[str]] | None = None
        self._cycle: tuple[list[str] | None] | None = None
        to, from_ = self._to, self._from
        for block in module.blocks:
            origin = block.address
            locals_block = block.type == "locals"
            for inner in block.walk():
                for attr in inner.attribute_list:
                    mentions = _mentions_of(attr)
                    self._direct[id(attr)] = mentions
                    if locals_block:
                        origin = f"local.{attr.name}"
                    for address, rest in mentions:
                        reference = Reference(block, attr, address, rest, origin)
                        to[address.node].append(reference)
                        from_[origin].append(reference)

    # -- forward ---------------------------------------------------------------------------------
    def mentions(self, attr: Attribute | Any) -> Sequence[Mention]:
        """What `attr` (an attribute, or anything with an `expr`) mentions itself, in order."""
        found = self._direct.get(id(attr))
        return found if found is not None else mentions_in(attr.expr)

    def references_from(self, node: str) -> list[Reference]:
        """The references a block (by address) or a local (`local.name`) makes, in order."""
        return self._from.get(node, [])

    def reach(self, attr: Attribute | Any) -> frozenset[str]:
        """Every node `attr` mentions, directly or through any chain of locals (`aws_s3_bucket.b`,
        `var.x`, and the locals on the way)."""
        key = id(attr)
        found = self._reach.get(key) if key in self._direct else None
        if found is None:
            found = frozenset(self._through_locals(self.mentions(attr)))
            if key in self._direct:
                self._reach[key] = found
        return found

    def _through_locals(self, mentions: Sequence[Mention]) -> set[str]:
        found: set[str] = set()
        pending = [m.address.node for m in mentions]
        while pending:
            node = pending.pop()
            if node in found:
                continue
            found.add(node)
            if node.startswith("local."):
                local = self._module.locals.get(node[len("local.") :])
                if local is not None:
                    pending.extend(m.address.node for m in self.mentions(local))
        return found

    # -- reverse ---------------------------------------------------------------------------------
    def references_to(self, address: str | Address) -> list[Reference]:
        """Every reference to a block or local (by its node address, e.g. "aws_security_group.app"
        or `local.name`; an Address is reduced to its node), in module order."""
        node = address.node if isinstance(address, Address) else address
        return self._to.get(node, [])

    def referrers(self, block: Block, *types: str) -> list[Block]:
        """Top-level blocks (optionally of the given resource types) that mention `block` directly."""
        seen: dict[int, Block] = {}
        for ref in self.references_to(block.address):
            if not types or ref.source.resource_type in types:
                seen.setdefault(id(ref.source), ref.source)
        return list(seen.values())

    def users(self, address: str) -> list[Block]:
        """Top-level blocks other than `address`'s own that mention it directly or through any
        chain of locals (the locals blocks on the way are not users)."""
        found: dict[int, Block] = {}
        pending, seen = [address], set()
        while pending:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            for ref in self.references_to(node):
                if ref.source.type == "locals":
                    pending.append(ref.origin)
                elif ref.source.address != address:
                    found.setdefault(id(ref.source), ref.source)
        return list(found.values())

    # -- dependencies ----------------------------------------------------------------------------
    def dependency_edges(self) -> dict[str, set[str]]:
        """Which resources, data sources, module calls and locals each of them references (each
        local is a node of its own, as Terraform sees them), by address."""
        if self._edges is None:
            module = self._module
            nodes = {b.address for b in module.blocks if b.type in _ORDERED_KINDS}
            nodes |= {f"local.{name}" for name in module.locals}
            edges: dict[str, set[str]] = defaultdict(set)
            for target, refs in self._to.items():
                if target not in nodes:
                    continue
                for ref in refs:
                    if ref.origin in nodes:
                        edges[ref.origin].add(target)
            self._edges = edges
        return self._edges

    def depends_on(self, start: str, goal: str) -> bool:
        """Does `start` depend on `goal`, directly or through other blocks and locals?"""
        edges = self.dependency_edges()
        seen, pending = {start}, [start]
        while pending:
            for step in edges.get(pending.pop(), ()):
                if step == goal:
                    return True
                if step not in seen:
                    seen.add(step)
                    pending.append(step)
        return False

    def cycle(self) -> list[str] | None:
        """A cycle of references among the module's resources, data sources, module calls and
        locals (`terraform validate`'s "Cycle: ..."), as the addresses around it, or None."""
        if self._cycle is None:
            self._cycle = (_first_cycle(self.dependency_edges()),)
        return self._cycle[0]


def _first_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(edges[start]))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(step) == 1:
                return [*path[path.index(step) :], step]
            elif step not in state:
                state[step] = 1
                path.append(step)
                stack.append(iter(sorted(edges.get(step, ()))))
    return None
