"""What the data-store rules (TAP213, TAP221-TAP224) share: finding the literal a value comes
from, and naming companion resources that the served resource itself refers to.

A leading underscore keeps this module out of rule discovery.
"""

from __future__ import annotations

import re

from fixers.edits import alignment_chains, edit, replace_value
from fixers.findings import TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module

_REFERENCE = re.compile(r"(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)")
_LITERAL = re.compile(r'-?\d+(\.\d+)?|true|false|"[^"\\$%\n]*"')


def literal_origin(module: Module, attr: Attribute, _depth: int = 0) -> Attribute | None:
    """The attribute holding the literal that `attr` evaluates to, following a plain `var.x`
    (its default) or `local.x`; None when the value is computed, or set in a tfvars file,
    which a fix must not edit (tfvars differ per environment)."""
    source = attr.source.strip()
    if _LITERAL.fullmatch(source):
        return attr
    match = _REFERENCE.fullmatch(source)
    if match is None or _depth > 8:
        return None
    kind, name = match.groups()
    if kind == "local":
        target = module.locals.get(name)
    else:
        target = module.variable_value_attribute(name)
        if target is not None and target.path not in module.files:
            return None  # the value comes from terraform.tfvars / *.auto.tfvars
    return literal_origin(module, target, _depth + 1) if target is not None else None


def via(module: Module, attr: Attribute | None) -> str:
    """' (from var.x)' when `attr` takes its value from a variable or local, for messages."""
    match = _REFERENCE.fullmatch(attr.source.strip()) if attr is not None else None
    if match is None:
        return ""
    if match.group(1) == "var":
        origin = module.variable_value_attribute(match.group(2))
        if origin is not None and origin.path not in module.files:
            return f" (from {match.group(0)}, set in {origin.path})"
    return f" (from {match.group(0)})"


def insert_attributes(block: Block, items: list[tuple[str, str]], after: Attribute) -> list[TextEdit]:
    """Insert one-line attributes as adjacent lines after `after`, realigning "=" across the
    run they join as terraform fmt does (`set_attribute` once per item would realign that run
    twice, with overlapping edits)."""
    file = block.file
    chain: list[Attribute] = []
    if after.single_line:
        chains = alignment_chains(block)
        chain = next((c for c in chains if after in c), [])
        following = [c for c in chains if c and c[0].line == after.end_line + 1]
        chain = chain + (following[0] if following else [])
    width = max([*(len(name) for name, _ in items), *(len(a.name) for a in chain)])
    text = "".join(f"\n{block.body_indent}{name.ljust(width)} = {value}" for name, value in items)
    at = file.line_end(after.end_line)
    return [*_realign(chain, width), edit(file, at, at, text)]


def _realign(chain: list[Attribute], width: int) -> list[TextEdit]:
    edits = []
    for attr in chain:
        file = attr.file
        eq = file.text.index("=", attr.eq_start)
        padding = " " * (width - len(attr.name) + 1)
        if file.text[attr.eq_start : eq] != padding:
            edits.append(edit(file, attr.eq_start, eq, padding))
    return edits


def chain_end(block: Block, preferred: tuple[str, ...]) -> Attribute | None:
    """Where new one-line attributes read best: at the end of the run of one-line attributes
    holding the first `preferred` name the block sets, else after its last one-line attribute."""
    chains = alignment_chains(block)
    for name in preferred:
        attr = block.get(name)
        for chain in chains:
            if attr in chain:
                return chain[-1]
    plain = [c[-1] for c in chains if c[-1].name not in ("count", "for_each", "depends_on")]
    return plain[-1] if plain else None


def add_depends_on(block: Block, address: str) -> list[TextEdit]:
    """Make `block` depend on `address`: append it to `depends_on`, or add the argument as a
    paragraph of its own at the end of the body."""
    file = block.file
    existing = block.get("depends_on")
    if existing is not None:
        source = existing.source
        if address in source:
            return []
        inner = source[1:-1].strip().rstrip(",").strip()
        if "\n" not in source:
            return [replace_value(existing, f"[{inner}, {address}]" if inner else f"[{address}]")]
        close = existing.value_end - 1
        last = len(file.text[:close].rstrip()) - 1
        edits = []
        if file.text[last] not in ",[":
            edits.append(edit(file, last + 1, last + 1, ","))
        line_start = file.line_start(file.line_col(close)[0])
        return [*edits, edit(file, line_start, line_start, f"{block.body_indent}  {address},\n")]
    items = block.items()
    if not items:
        return []
    at = file.line_end(items[-1].end_line)
    return [edit(file, at, at, f"\n\n{block.body_indent}depends_on = [{address}]")]
