"""What the data-store rules (TAP213, TAP221-TAP224) share: finding the literal a value comes
from, where new arguments read best, and making a resource wait for another.

A leading underscore keeps this module out of rule discovery.
"""

from __future__ import annotations

import re

from fixers.edits import alignment_chains
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.references import Address, sole_reference

_LITERAL = re.compile(r'-?\d+(\.\d+)?|true|false|"[^"\\$%\n]*"')


def literal_origin(module: Module, attr: Attribute, _depth: int = 0) -> Attribute | None:
    """The attribute holding the literal that `attr` evaluates to, following a plain `var.x`
    (its default) or `local.x`; None when the value is computed, or set in a tfvars file,
    which a fix must not edit (tfvars differ per environment)."""
    if _LITERAL.fullmatch(attr.source.strip()):
        return attr
    address = _plain_input(attr)
    if address is None or _depth > 8:
        return None
    if address.kind == "local":
        target = module.locals.get(address.name)
    else:
        target = module.variable_value_attribute(address.name)
        if target is not None and target.path not in module.files:
            return None  # the value comes from terraform.tfvars / *.auto.tfvars
    return literal_origin(module, target, _depth + 1) if target is not None else None


def _plain_input(attr: Attribute) -> Address | None:
    """`var.x` or `local.x` when that is the whole of `attr`'s value (no attribute or index of it)."""
    mention = sole_reference(attr.expr)
    if mention is None or mention.rest or mention.address.key is not None:
        return None
    return mention.address if mention.address.kind in ("var", "local") else None


def via(module: Module, attr: Attribute | None) -> str:
    """' (from var.x)' when `attr` takes its value from a variable or local, for messages."""
    address = _plain_input(attr) if attr is not None else None
    if address is None:
        return ""
    if address.kind == "var":
        origin = module.variable_value_attribute(address.name)
        if origin is not None and origin.path not in module.files:
            return f" (from {address}, set in {origin.path})"
    return f" (from {address})"


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
