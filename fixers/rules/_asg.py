"""What the Auto Scaling rules (TAP401, TAP402) share: does an expression name a given group,
which groups are in scope, and how a companion resource refers to all of a group's instances.

A leading underscore keeps this module out of rule discovery.
"""

from __future__ import annotations

from collections.abc import Iterator

from fixers.companions import instance_count, passed_to_module, refers_to
from fixers.evaluate import UNKNOWN, is_known, traversals
from fixers.model import Attribute, Block
from fixers.module import Module

ASG = "aws_autoscaling_group"


def groups(module: Module) -> Iterator[Block]:
    """Groups a rule can reason about: not known to be disabled, not handed to a module call
    (which may configure notifications or hooks for them out of our sight)."""
    for group in module.resources(ASG):
        if instance_count(group) != 0 and not passed_to_module(module, group):
            yield group


def _group_name(group: Block) -> object:
    """The group's name when known; None when AWS or Terraform generates it."""
    if group.has("name"):
        return group.value("name", UNKNOWN) if group.count is None and group.for_each is None else UNKNOWN
    if group.has("name_prefix"):
        return UNKNOWN
    return None


def names_group(
    module: Module, attr: Attribute | None, group: Block, holder: Block | None = None
) -> bool | None:
    """Does `attr` (a group name, or a list of names) name `group`? True by reference (through
    locals, or `each.value` of a for_each over the group) or by the same literal name; None when
    that cannot be known (a name from a variable without default, a computed list)."""
    if attr is None:
        return False
    if refers_to(module, attr, group.address):
        return True
    over_group = holder is not None and holder.for_each is not None
    if over_group and refers_to(module, holder.for_each, group.address):
        return any(parts[:1] == ("each",) for parts in traversals(attr.expression)) or None
    value = attr.value()
    names = value if isinstance(value, list) else [value]
    if not is_known(names):
        return None
    wanted = _group_name(group)
    if wanted is UNKNOWN:
        return None if any(isinstance(n, str) for n in names) else False
    return wanted in names
