"""TAP103's fix: narrow a world-open ingress rule's source, never its port.

1. When the graph shows the security groups that talk to the protected group (an egress rule
   to it, or, for a data port, resources that reference what the group protects), the world
   CIDR is replaced by those groups, in the rule's own form. When every such group already has
   its own rule on the port, the world-open rule is removed instead.
2. Otherwise the CIDR becomes a variable without a world-open default: a variable whose
   default is 0.0.0.0/0 loses that default, a literal becomes a new variable, and either way
   the variable gets a validation that rejects 0.0.0.0/0 and ::/0.
"""

from __future__ import annotations

from typing import Any

from fixers.aws.flows import consumers, egress_peers
from fixers.aws.security_groups import (
    INLINE,
    SG_RULE,
    WORLD,
    SgRule,
)
from fixers.companions import free_name
from fixers.edits import (
    HclBlock,
    apply_edits,
    edit,
    hcl_list,
    hcl_string,
    insert_after,
    remove_attribute,
    remove_block,
    replace_value,
    update_attributes,
)
from fixers.evaluate import evaluate, is_known, traversals
from fixers.findings import Fix, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Expr, Tuple
from fixers.variables import add_variables, free_variable_name, variable_block

_NOT_WORLD = '["0.0.0.0/0", "::/0"]'


def narrowing_fix(
    module: Module,
    rule: SgRule,
    rules: list[SgRule],
    world: list[tuple[str, str]],
    ports: list[int],
    data_ports: set[int],
    services: dict[int, str],
) -> tuple[Fix | None, str]:
    """The fix, and a note for the message when there is none."""
    if rule.body is None:
        return None, "the rules come from an expression tapfix cannot rewrite"
    literal = all(_is_literal(rule.get(name)) for name, _ in world)
    if rule.group and literal and rule.dynamic is None:
        clients = _clients(module, rule, ports, data_ports)
        if clients:
            first = _first_of_twins(rule, rules)
            mine = first.at is rule.at
            uncovered = [c for c in clients if mine and not _covered(rule, rules, c, ports)]
            if uncovered:
                replaced = "" if rule.form == INLINE else f"the fix replaces {rule.resource.address}"
                return _narrow(module, rule, world, uncovered), replaced
            removal = _removal(rule, clients, None if mine else first)
            if removal is not None:
                return removal, ""
    return _variable_fix(module, rule, world, ports, services)


def _is_literal(attr: Attribute | None) -> bool:
    return attr is not None and is_known(evaluate(None, attr.expression))


# --- who talks to the group -----------------------------------------------------------------------


def _clients(module: Module, rule: SgRule, ports: list[int], data_ports: set[int]) -> list[str]:
    """The groups that connect to the rule's group on its exposed ports."""
    target = rule.group
    protocol = "tcp" if rule.protocol == "all" else rule.protocol
    found = egress_peers(module, target, protocol, ports)
    if any(p in data_ports for p in ports):
        found = found + consumers(module, target)
    clients = sorted(dict.fromkeys(found))
    if rule.form == INLINE:
        # The group will name the client: a client that already depends on it would close a cycle.
        graph = module.reference_graph()
        clients = [c for c in clients if module.find(c) is None or not graph.depends_on(c, target)]
    return clients


def _covered(rule: SgRule, rules: list[SgRule], client: str, ports: list[int]) -> bool:
    """Does another rule of the group already admit `client` on every exposed port?"""
    protocol = "tcp" if rule.protocol == "all" else rule.protocol
    return any(
        other.at is not rule.at
        and other.direction == "ingress"
        and other.exists is True
        and other.group == rule.group
        and client in (other.source_groups() or [])
        and all(other.admits(p, protocol) is True for p in ports)
        for other in rules
    )


def _first_of_twins(rule: SgRule, rules: list[SgRule]) -> SgRule:
    """Of the group's world-open rules on the same ports (an IPv4 rule and its IPv6 twin), only
    the first is narrowed; the others are removed, or the twins would become duplicates."""
    twins = [
        other
        for other in rules
        if other.direction == "ingress"
        and other.exists is True
        and other.group == rule.group
        and other.body is not None
        and other.dynamic is None
        and other.protocol == rule.protocol
        and other.ports() == rule.ports()
        and other.world_cidrs()
        and all(_is_literal(other.get(n)) for n, _ in other.world_cidrs())
    ]
    return min(twins, key=lambda r: (r.at.path, r.at.start), default=rule)


# --- narrowing to groups ----------------------------------------------------------------------------


def _remaining(attr: Attribute) -> list[str]:
    """The source text of the list elements of `attr` that are not world CIDRs."""
    expr = attr.expression
    if not isinstance(expr, Tuple):
        return []
    return [item.source for item in expr.items if evaluate(None, item) not in WORLD]


def _narrow(module: Module, rule: SgRule, world: list[tuple[str, str]], clients: list[str]) -> Fix:
    refs = [f"{c}.id" for c in clients]
    body = rule.body
    names = list(dict.fromkeys(n for n, _ in world))
    listing = ", ".join(clients)
    if rule.form == INLINE:
        set_values, remove = _without_world(body, names)
        existing = body.get("security_groups")
        if existing is None:
            set_values.append(("security_groups", hcl_list(refs)))
        else:
            kept = _remaining(existing) if _is_literal(existing) else []
            value = (
                hcl_list([*kept, *refs])
                if _is_literal(existing)
                else f"concat({existing.source}, {hcl_list(refs)})"
            )
            set_values.append(("security_groups", value))
        return Fix.unsafe(
            f"Admit only {listing} instead of the internet in {rule.location}",
            update_attributes(body, set_values, remove=remove),
        )
    source = "source_security_group_id" if rule.form == SG_RULE else "referenced_security_group_id"
    others = _other_sources(rule, names)
    resource = rule.resource
    edits: list[TextEdit] = []
    copies = refs
    if not others:
        rename = {names[0]: (source, refs[0])}
        edits += update_attributes(body, remove=names[1:], rename=rename)
        copies = refs[1:]
    else:
        set_values, remove = _without_world(body, names)
        edits += update_attributes(body, set_values, remove=remove)
    texts = []
    taken: set[str] = set()
    for ref, client in zip(
        refs[len(refs) - len(copies) :], clients[len(clients) - len(copies) :], strict=True
    ):
        name = _unique(module, resource.resource_type, f"{resource.name}_{module.find(client).name}", taken)
        strip = [n for n in _source_attributes(rule) if body.has(n) and n != names[0]]
        texts.append(_variant(body, name, remove=strip, rename={names[0]: (source, ref)}))
    if texts:
        edits.append(insert_after(resource, "\n\n".join(texts)))
    return Fix.unsafe(
        f"Admit only {listing} instead of the internet ({resource.address} is replaced: "
        "a rule's source type cannot change in place)",
        edits,
    )


def _source_attributes(rule: SgRule) -> list[str]:
    if rule.form == SG_RULE:
        return ["cidr_blocks", "ipv6_cidr_blocks", "self", "prefix_list_ids", "source_security_group_id"]
    return ["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"]


def _other_sources(rule: SgRule, world_names: list[str]) -> bool:
    """Does the rule keep a source once its world CIDRs are gone?"""
    body = rule.body
    for name in world_names:
        if _remaining(body.get(name)):
            return True
    for name in _source_attributes(rule):
        if name in world_names or not body.has(name):
            continue
        if rule.value(name) not in (None, False, [], ""):
            return True
    return False


def _without_world(body: Block, names: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    set_values, remove = [], []
    for name in names:
        kept = _remaining(body.get(name))
        if kept:
            set_values.append((name, hcl_list(kept)))
        else:
            remove.append(name)
    return set_values, remove


def _variant(block: Block, name: str, **changes: Any) -> str:
    """The text of resource `block` renamed to `name` with `update_attributes` changes applied."""
    edits = update_attributes(block, **changes)
    file = block.file
    text = apply_edits(file.text, edits)
    growth = sum(len(e.new_text) - (e.end - e.start) for e in edits)
    body = text[block.body_start : block.end + growth]
    return f'resource "{block.resource_type}" "{name}" {{' + body


def _unique(module: Module, resource_type: str, wanted: str, taken: set[str]) -> str:
    name = free_name(module, resource_type, wanted)
    n = 2
    while name in taken:
        name = free_name(module, resource_type, f"{wanted}_{n}")
        n += 1
    taken.add(name)
    return name


def _removal(rule: SgRule, clients: list[str], twin: SgRule | None) -> Fix | None:
    listing = ", ".join(clients)
    if twin is not None:
        why = f"{twin.location} is narrowed to {listing} instead"
    else:
        why = f"{listing} already {'has' if len(clients) == 1 else 'have'} a rule of its own on these ports"
    if rule.form != INLINE:
        return Fix.unsafe(f"Remove {rule.resource.address}: {why}", remove_block(rule.resource))
    siblings = [b for b in rule.resource.blocks if b.type == "ingress" or b.type == "dynamic"]
    if len(siblings) < 2:
        return None  # deleting the last inline ingress block would leave the rule live in AWS
    return Fix.unsafe(
        f"Remove the world-open ingress block of {rule.resource.address}: {why}", remove_block(rule.body)
    )


# --- narrowing to a variable ------------------------------------------------------------------------


def _variable_fix(
    module: Module, rule: SgRule, world: list[tuple[str, str]], ports: list[int], services: dict[int, str]
) -> tuple[Fix | None, str]:
    body = rule.body
    names = list(dict.fromkeys(n for n, _ in world))
    origins = {name: _origin(module, body.get(name).expression) for name in names}
    if any(o is None for o in origins.values()):
        return None, ""
    edits: list[TextEdit] = []
    new_variables: list[HclBlock] = []
    new_names: list[str] = []
    done: list[str] = []
    set_values: list[tuple[str, str]] = []
    remove: list[str] = []
    service, shown_service = _service(ports, services)
    v4_stays = _keeps_ipv4(rule, names, origins)
    for name in names:
        kind, target = origins[name]
        if kind == "var":
            value_attr = module.variable_value_attribute(target)
            if value_attr is None or value_attr.block is None or value_attr.block.type != "variable":
                where = value_attr.path if value_attr is not None else "outside the module"
                return None, f"var.{target} is set in {where}: narrow it there"
            edits += _tighten_variable(module.variables[target], value_attr)
            done.append(f"var.{target} loses its world-open default")
            continue
        attr = body.get(name) if kind == "literal" else target
        kept = _remaining(attr)
        if kept:
            update = (name, hcl_list(kept))
        elif name in ("ipv6_cidr_blocks",) and v4_stays:
            remove.append(name)
            done.append(f"{name} removed")
            continue
        else:
            var_name = _variable_name(module, rule, name, service, set(new_names))
            is_list = name in ("cidr_blocks", "ipv6_cidr_blocks")
            new_variables.append(_new_variable(var_name, rule, name, is_list, shown_service))
            new_names.append(var_name)
            update = (name, f"var.{var_name}")
            shown = f"local.{attr.name}" if kind == "local" else attr.name
            done.append(f"{shown} comes from the new var.{var_name}")
        if kind == "literal":
            set_values.append(update)
        else:
            edits.append(replace_value(attr, update[1]))
    if set_values or remove:
        edits += update_attributes(body, set_values, remove=remove)
    if new_variables:
        edits += add_variables(module, new_variables)
    return Fix.unsafe(f"Narrow the source of {rule.location}: {'; '.join(done)}", edits), ""


def _origin(module: Module, expr: Expr, depth: int = 0) -> tuple[str, Any] | None:
    """Where a world CIDR is written: ("literal", None) in the expression itself, ("local",
    attribute) in a local's literal, ("var", name) in a variable's default; None otherwise."""
    if is_known(evaluate(None, expr)):
        return ("literal", None)
    if isinstance(expr, Tuple):
        items = expr.items
        if len(items) != 1:
            return None
        expr = items[0]
    found = traversals(expr)
    if len(found) != 1 or len(found[0]) < 2 or not isinstance(found[0][1], str) or depth > 8:
        return None
    root, name = found[0][0], found[0][1]
    if root == "var" and len(found[0]) == 2 and name in module.variables:
        return ("var", name)
    if root == "local" and len(found[0]) == 2 and name in module.locals:
        local = module.locals[name]
        inner = _origin(module, local.expression, depth + 1)
        if inner is not None and inner[0] == "literal":
            return ("local", local)
        return inner
    return None


def _keeps_ipv4(rule: SgRule, names: list[str], origins: dict[str, Any]) -> bool:
    """Whether the rule will still have an IPv4 source, so a world IPv6 list can simply go."""
    return "cidr_blocks" in names or bool(rule.body.has("cidr_blocks") and rule.value("cidr_blocks"))


def _tighten_variable(variable: Block, default: Attribute) -> list[TextEdit]:
    value = default.value()
    kept = _remaining(default) if isinstance(value, list) else []
    edits = [replace_value(default, hcl_list(kept))] if kept else remove_attribute(default)
    if not any(
        "0.0.0.0/0" in v.get("condition").source for v in variable.nested("validation") if v.get("condition")
    ):
        is_list = (
            isinstance(value, list)
            or "list(" in _source(variable, "type")
            or "set(" in _source(variable, "type")
        )
        block = _validation(variable.labels[0], is_list)
        edits.append(_append_nested(variable, block))
    return edits


def _source(block: Block, name: str) -> str:
    attr = block.get(name)
    return attr.source if attr is not None else ""


def _validation(name: str, is_list: bool) -> HclBlock:
    if is_list:
        condition = (
            f"alltrue([for cidr in var.{name} : can(cidrhost(cidr, 0)) && !contains({_NOT_WORLD}, cidr)])"
        )
        message = f"Every CIDR in {name} must be narrower than the whole internet (not 0.0.0.0/0 or ::/0)."
    else:
        condition = f"can(cidrhost(var.{name}, 0)) && !contains({_NOT_WORLD}, var.{name})"
        message = f"The {name} must be a CIDR block narrower than the whole internet (not 0.0.0.0/0 or ::/0)."
    return HclBlock("validation", [("condition", condition), ("error_message", hcl_string(message))])


def _append_nested(block: Block, nested: HclBlock) -> TextEdit:
    """Add a nested block at the end of `block`, after a blank line."""
    file = block.file
    at = file.line_start(file.line_col(block.body_end)[0])
    return edit(file, at, at, "\n" + nested.render(block.body_indent) + "\n")


def _service(ports: list[int], services: dict[int, str]) -> tuple[str, str]:
    """A name part for a new variable ("ssh") and the words for its description ("SSH (22)")."""
    names = {services[p] for p in ports}
    if len(names) != 1:
        return "admin", "the admin and data ports"
    name = next(iter(names))
    shown = f"{name} ({ports[0]})" if len(ports) == 1 else name
    return name.split("/")[0].lower().replace(" ", "_"), shown


def _variable_name(module: Module, rule: SgRule, attr: str, service: str, taken: set[str]) -> str:
    base = f"{rule.resource.name}_{service}" if rule.form == INLINE else rule.resource.name
    suffix = {"cidr_ipv4": "cidr_ipv4", "cidr_ipv6": "cidr_ipv6", "cidr_blocks": "cidr_blocks"}.get(
        attr, "ipv6_cidr_blocks"
    )
    return free_variable_name(module, f"{base}_{suffix}", taken=taken)


def _new_variable(name: str, rule: SgRule, attr: str, is_list: bool, service: str) -> HclBlock:
    family = "IPv6" if "6" in attr else "IPv4"
    what = f"{family} CIDR blocks" if is_list else f"{family} CIDR block"
    target = rule.group or rule.resource.address
    description = f"{what} allowed to reach {service} on {target}; never the whole internet."
    return variable_block(
        name, description, "list(string)" if is_list else "string", None, [_validation(name, is_list)]
    )
