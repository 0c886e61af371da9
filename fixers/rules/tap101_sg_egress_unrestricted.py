"""TAP101: a security group that may send anything anywhere (all traffic to 0.0.0.0/0 or ::/0).

The fix replaces the allow-all rule with the egress the module's graph shows the group needs
(`fixers.aws.flows.egress_needs`), in the rule style the group already uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from fixers.aws.flows import ALL_TRAFFIC, Graph, Need, egress_needs, rule_ports, vpc_cidr
from fixers.aws.security_groups import (
    ALL_PORTS,
    INLINE,
    VPC_EGRESS,
    SgRule,
    instances,
    security_group_rules,
)
from fixers.companions import applies_directly, mentions
from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, remove_block, replace_block_with_attribute
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module

RULE = Rule(
    id="TAP101",
    name="sg-egress-unrestricted",
    severity=Severity.CRITICAL,
    why="Egress to any address on any port lets a compromised instance exfiltrate data or reach a command server.",
    fix=(Applicability.UNSAFE, Applicability.DISPLAY_ONLY),
    fix_availability=FixAvailability.SOMETIMES,
    default=False,  # precision on public code: see its docs page
)

FAMILY = {"0.0.0.0/0": "ipv4", "::/0": "ipv6"}


@dataclass
class Offence:
    """The allow-all egress of one resource: an inline group's blocks, or one rule resource."""

    resource: Block  # the group for inline rules, else the rule resource
    form: str
    rules: list[SgRule] = field(default_factory=list)
    families: set[str] = field(default_factory=set)
    evidence: Attribute | Block | None = None

    @property
    def group(self) -> Block | None:
        address = self.rules[0].group
        return self.resource.module.find(address) if address else None

    @property
    def cidrs(self) -> str:
        return " and ".join(c for c, f in FAMILY.items() if f in self.families)


def _allows_everything(rule: SgRule) -> bool:
    protocol = rule.protocol
    if protocol is UNKNOWN:
        return False
    return protocol == "all" or (protocol in ("tcp", "udp") and rule.ports() == ALL_PORTS)


def offences(module: Module) -> list[Offence]:
    found: dict[int, Offence] = {}
    for rule in security_group_rules(module):
        if rule.direction != "egress" or rule.exists is not True or not _allows_everything(rule):
            continue
        world = rule.world_cidrs()
        if not world:
            continue
        offence = found.setdefault(id(rule.resource), Offence(rule.resource, rule.form))
        offence.rules.append(rule)
        offence.families.update(FAMILY[cidr] for _, cidr in world)
        if offence.evidence is None:
            holder = rule.body
            offence.evidence = (holder.get(world[0][0]) if holder is not None else None) or rule.at
    return list(found.values())


def _from_inputs(module: Module, offence: Offence) -> bool:
    resource = offence.resource
    sources = [resource.for_each, resource.count]
    if isinstance(offence.evidence, Attribute):
        sources.append(offence.evidence)
    return any(
        address.startswith("var.")
        for attr in sources
        if attr is not None
        for address in mentions(module, attr)
    )


# --- rendering new rules --------------------------------------------------------------------------


def _port_items(need: Need, names: tuple[str, str, str], all_ports: tuple[str, str] | None) -> list:
    protocol, low, high = names
    ports = need.ports
    if ports.all_traffic:
        return [(protocol, ALL_TRAFFIC.protocol)] + (
            [(low, all_ports[0]), (high, all_ports[1])] if all_ports else []
        )
    return [(protocol, ports.protocol), (low, ports.from_port), (high, ports.to_port)]


def _ordered(items: list[tuple[str, str]], like: Block, slots: dict[str, str]) -> list[tuple[str, str]]:
    """`items` in the order the replaced rule wrote its arguments (`slots` maps an argument of
    the old rule to the one taking its place), new arguments last."""
    order: list[str] = []
    for attr in like.attribute_list:
        name = slots.get(attr.name, attr.name)
        if name not in order:
            order.append(name)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(items, key=lambda item: rank.get(item[0], len(rank)))


def _described(need: Need, like: Block, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if like.has("description"):
        items.append(("description", f'"{need.description}"'))
    return items


def render_inline(need: Need, like: Block) -> HclBlock:
    target = need.target
    if target.kind == "self":
        place = ("self", "true")
    elif target.kind == "sg":
        place = ("security_groups", f"[{target.source}]")
    else:
        place = ("cidr_blocks" if target.kind == "cidr4" else "ipv6_cidr_blocks", f"[{target.source}]")
    items = [*_port_items(need, ("protocol", "from_port", "to_port"), ("0", "0")), place]
    slots = {"ipv6_cidr_blocks": place[0], "cidr_blocks": place[0], "security_groups": place[0]}
    return HclBlock("egress", _ordered(_described(need, like, items), like, slots))


def render_resource(need: Need, like: Block, name: str, group_ref: str) -> HclBlock:
    target = need.target
    kind = like.resource_type
    if kind == VPC_EGRESS:
        source = {
            "self": ("referenced_security_group_id", group_ref),
            "sg": ("referenced_security_group_id", target.source),
            "cidr4": ("cidr_ipv4", target.source),
            "cidr6": ("cidr_ipv6", target.source),
        }[target.kind]
        items = [("security_group_id", group_ref), source]
        items += _port_items(need, ("ip_protocol", "from_port", "to_port"), None)
        slots = {"cidr_ipv6": source[0], "cidr_ipv4": source[0]}
    else:
        source = {
            "self": ("self", "true"),
            "sg": ("source_security_group_id", target.source),
            "cidr4": ("cidr_blocks", f"[{target.source}]"),
            "cidr6": ("ipv6_cidr_blocks", f"[{target.source}]"),
        }[target.kind]
        items = [("type", '"egress"'), ("security_group_id", group_ref), source]
        items += _port_items(need, ("protocol", "from_port", "to_port"), ("0", "0"))
        slots = {"ipv6_cidr_blocks": source[0], "cidr_blocks": source[0]}
    meta: list = []
    count = like.get("count")
    if count is not None:
        meta.append(("count", count.source))
        if not like.file.line_text(count.end_line + 1).strip():
            meta.append(None)  # keep the blank line that set the meta-argument apart
    body = _ordered(_described(need, like, items), like, slots)
    return HclBlock(f'resource "{kind}" "{name}"', [*meta, *body])


def _names(module: Module, group: Block, needs: list[Need], resource_type: str) -> list[str]:
    """Resource names such as app_to_db, app_https, app_to_db_3306 (several ports to one peer)."""
    taken: set[str] = set()
    out = []
    for need in needs:
        target = need.target
        base = f"{group.name}_https" if target.internet else f"{group.name}_to_{target.name}"
        if target.internet and target.kind == "cidr6":
            base += "_ipv6"
        if sum(1 for n in needs if n.target == target) > 1:
            port = need.ports.identity[-1]
            base += (
                f"_{port}"
                if isinstance(port, int)
                else "_all"
                if need.ports.all_traffic
                else f"_{len(out) + 1}"
            )
        name, n = base, 2
        while name in taken or module.find(f"{resource_type}.{name}") is not None:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        out.append(name)
    return out


# --- what the group already has ----------------------------------------------------------------------


def _existing(module: Module, group: Block, offending: set[int]) -> set[tuple]:
    """Identities of the group's other egress rules, so the fix does not add them twice."""
    found: set[tuple] = set()
    for rule in security_group_rules(module):
        if rule.direction != "egress" or rule.group != group.address or id(rule) in offending:
            continue
        body = rule.body
        if body is None:
            continue
        names = rule.names
        ports = rule_ports(body, names[0], rule.scope)
        if ports is None:
            continue
        for family in (4, 6):
            cidrs = rule.cidrs(family)
            for cidr in cidrs if isinstance(cidrs, list) else []:
                found.add((*ports.identity, f"cidr{family}", cidr))
        peers = rule.source_groups() or []
        found.update((*ports.identity, "sg", peer) for peer in peers)
        if rule.value("self", False) is True:
            found.add((*ports.identity, "self", "self"))
    return found


def _plan(
    module: Module, group: Block, offence_families: set[str], offending: set[int]
) -> tuple[Graph, list[Need], list[Need]]:
    """The group's flows, the needs the fix must add, and those its other rules already meet."""
    graph = egress_needs(module, group, offence_families)
    have = _existing(module, group, offending)
    covered = [n for n in graph.needs if n.identity in have]
    return graph, [n for n in graph.needs if n.identity not in have], covered


# --- messages ---------------------------------------------------------------------------------------


def _family(need: Need) -> str | None:
    if not need.target.internet:
        return None
    return "ipv4" if need.target.kind == "cidr4" else "ipv6"


def _summary(needs: list[Need]) -> str:
    parts = [n.description for n in needs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _message(
    offence: Offence,
    group: Block | None,
    graph: Graph | None,
    needs: list[Need],
    tail: str,
    covered: list[Need] | None = None,
) -> str:
    if offence.form == INLINE:
        head = f"{offence.resource.address} has egress allowing all traffic to {offence.cidrs}"
    else:
        subject = group.address if group is not None else "its security group"
        head = f"{offence.resource.address} lets {subject} send all traffic to {offence.cidrs}"
    if graph is None:
        return f"{head}; {tail}"
    context = ""
    if graph.attached:
        shown = ", ".join(graph.attached[:3]) + (" and more" if len(graph.attached) > 3 else "")
        context = f"it is used by {shown}; "
    if needs:
        found = f"the module shows it needs only {_summary(needs)}"
    elif covered:
        found = f"its other egress rules already allow what the module shows it needs ({_summary(covered)})"
    else:
        found = "nothing in the module needs egress from it"
    return f"{head}; {context}{found}{tail}"


# --- fixes --------------------------------------------------------------------------------------------


def _inline_fix(
    module: Module, offence: Offence, graph: Graph, needs: list[Need]
) -> tuple[list[TextEdit], str, str] | str:
    group = offence.resource
    if any(r.body is None or r.dynamic is not None for r in offence.rules):
        return "the rule comes from a dynamic block or an egress list; change the values it is built from"
    vpc = vpc_cidr(module, group)
    placed: list[Need] = []
    notes: list[str] = []
    for need in needs:
        if need.target.kind == "sg" and need.target.identity in graph.cyclic:
            cycle = f"an inline rule naming {need.target.label} would form a dependency cycle (it names this group too)"
            if vpc is None:
                return f"{cycle}; move both groups' rules to aws_vpc_security_group_*_rule resources"
            notes.append(f"{cycle}, so the fix allows {need.ports.label} to {vpc.label} instead")
            need = Need(need.ports, vpc)
        if need.identity not in {p.identity for p in placed}:
            placed.append(need)
    blocks = []
    for rule in offence.rules:
        if rule.body not in blocks:
            blocks.append(rule.body)
    first, rest = blocks[0], blocks[1:]
    edits = [remove_block(b) for b in rest]
    others = [b for b in group.nested("egress") if b not in blocks] + group.dynamic("egress")
    if placed:
        text = "\n\n".join(render_inline(n, first).render(first.indent) for n in placed)
        start = first.file.line_start(first.line)
        edits.append(edit(first.file, start, first.file.line_end(first.end_line), text))
        return edits, "Replace the allow-all egress with " + _summary(placed), "; ".join(notes)
    if others:
        return [*edits, remove_block(first)], "Remove the allow-all egress block", ""
    # Deleting every egress block would leave the rule in AWS: only an empty list removes it.
    edits += replace_block_with_attribute(first, "egress", "[]")
    return edits, "Remove all egress (egress = [])", ""


def _resource_fix(
    module: Module, offence: Offence, group: Block, needs: list[Need]
) -> tuple[list[TextEdit], str, str] | str:
    resource = offence.resource
    if resource.for_each is not None:
        return "the rule is created per for_each item; remove the open CIDRs from the collection it iterates"
    if resource.count is not None and len(instances(resource)) > 1:
        return "the rule has several count instances; narrow it by hand"
    if len(instances(resource)) != len(offence.rules):
        return "only some of its instances are open; change the values they are built from"
    group_ref = resource.get("security_group_id").source
    names = _names(module, group, needs, resource.resource_type)
    if not needs:
        return [remove_block(resource)], f"Remove {resource.address}", ""
    text = "\n\n".join(
        render_resource(n, resource, name, group_ref).render() for n, name in zip(needs, names, strict=True)
    )
    description = f"Replace {resource.address} with " + _summary(needs)
    return [edit(resource.file, resource.start, resource.end, text)], description, ""


def _finding(module: Module, offence: Offence, siblings: list[Offence]) -> Finding:
    group = offence.group
    if group is None:
        return RULE.finding(
            offence.evidence,
            _message(offence, None, None, [], "no fix: its security group is not defined in this module"),
        )
    if group.count is not None or group.for_each is not None:
        return RULE.finding(
            offence.evidence,
            _message(offence, group, None, [], f"no fix: {group.address} uses count/for_each"),
        )
    offending = {id(r) for o in siblings for r in o.rules}
    families = set().union(*(o.families for o in siblings))
    graph, needs, covered = _plan(module, group, families, offending)
    key = "egress" if offence.form == INLINE else ""
    if offence.form != INLINE:
        # The peers go with the first allow-all rule; each rule keeps HTTPS for its own family.
        first = min(siblings, key=lambda o: (o.resource.path, o.resource.line))
        needs = [
            n for n in needs if (offence is first and not n.target.internet) or _family(n) in offence.families
        ]
    built = (
        _inline_fix(module, offence, graph, needs)
        if offence.form == INLINE
        else _resource_fix(module, offence, group, needs)
    )
    why = "; ".join(dict.fromkeys(graph.reasons))
    if graph.reasons and not needs:
        built = f"tapfix cannot see everything it talks to ({why}) and will not suggest removing all egress"
    if isinstance(built, str):
        return RULE.finding(
            offence.evidence, _message(offence, group, graph, needs, f"; no fix: {built}", covered), key=key
        )
    edits, description, note = built
    tail = f"; {note}" if note else ""
    if graph.reasons:
        tail += f"; tapfix cannot see everything it talks to ({why}), so the fix is only a suggestion"
        fix = Fix.display_only(description, *edits)
    else:
        fix = Fix.unsafe(description, *edits)
    return RULE.finding(
        offence.evidence, _message(offence, group, graph, needs, tail, covered), key=key, fix=fix
    )


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    found = offences(module)
    if not applies_directly(module):
        # In a module others call, allow-all egress that comes from its inputs' defaults (a
        # for_each over `var.egress_rules`, a `cidr_blocks = var.egress_cidrs`) is what callers get
        # unless they pass their own rules: the module mirrors AWS's default, the choice is theirs.
        found = [o for o in found if not _from_inputs(module, o)]
    by_group: dict[str, list[Offence]] = {}
    for offence in found:
        by_group.setdefault(offence.rules[0].group or id(offence), []).append(offence)
    for offence in found:
        yield _finding(module, offence, by_group[offence.rules[0].group or id(offence)])
