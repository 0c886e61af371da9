"""Security-group rules in all three Terraform forms, read into one list of evaluated rules.

The forms: inline `ingress`/`egress` blocks of `aws_security_group` (static blocks, `dynamic`
blocks, or the `ingress = [{...}]` attribute list), `aws_security_group_rule`, and
`aws_vpc_security_group_ingress_rule` / `aws_vpc_security_group_egress_rule`. One `SgRule` is
one rule instance: count, for_each and dynamic blocks are expanded when their collection is
known, and stand as one rule of unknown existence when it is not. Computed once per module (`security_group_rules`);
TAP101, TAP102 and TAP103 read it, and the flows between groups (`fixers.aws.flows`) build on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fixers.companions import known_count
from fixers.evaluate import UNKNOWN, evaluate, is_known, traversals
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import (
    Access,
    Call,
    Conditional,
    Expr,
    For,
    Literal,
    Object,
    Reference,
    Splat,
    Tuple,
    call_of,
)

INLINE = "inline"
SG_RULE = "aws_security_group_rule"
VPC_INGRESS = "aws_vpc_security_group_ingress_rule"
VPC_EGRESS = "aws_vpc_security_group_egress_rule"
GROUP = "aws_security_group"
ALL_PORTS = (0, 65535)
WORLD = ("0.0.0.0/0", "::/0")

_PROTOCOLS = {
    "-1": "all",
    "all": "all",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}

# Argument names per form: protocol, IPv4 sources, IPv6 sources, group sources.
_NAMES = {
    INLINE: ("protocol", "cidr_blocks", "ipv6_cidr_blocks", "security_groups"),
    SG_RULE: ("protocol", "cidr_blocks", "ipv6_cidr_blocks", "source_security_group_id"),
    VPC_INGRESS: ("ip_protocol", "cidr_ipv4", "cidr_ipv6", "referenced_security_group_id"),
    VPC_EGRESS: ("ip_protocol", "cidr_ipv4", "cidr_ipv6", "referenced_security_group_id"),
}
_COLLECTION_FUNCTIONS = ("concat", "tolist", "toset", "compact", "distinct", "flatten", "sort")


@dataclass(eq=False)
class SgRule:
    form: str
    direction: Any  # "ingress" | "egress" | UNKNOWN
    resource: Block  # the top-level block: the group for inline rules, else the rule resource
    group: str | None  # the aws_security_group it belongs to; None when not a group of this module
    body: Block | None = None  # the block holding the arguments (None for the attribute list)
    scope: dict[str, Any] = field(default_factory=dict)
    exists: Any = True  # True, or UNKNOWN when its count/for_each cannot be evaluated
    dynamic: Block | None = None  # the `dynamic` block that generates it
    data: Any = None  # the arguments of an `ingress = [{...}]` element (dict) or UNKNOWN
    attribute: Attribute | None = None  # the `ingress = [...]` attribute itself
    _values: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- arguments ------------------------------------------------------------------------
    @property
    def module(self) -> Module:
        return self.resource.module

    @property
    def names(self) -> tuple[str, str, str, str]:
        return _NAMES[self.form]

    def get(self, name: str) -> Attribute | None:
        if self.body is not None:
            return self.body.get(name)
        return self.attribute

    def value(self, name: str, default: Any = None) -> Any:
        if self.body is None:
            if not isinstance(self.data, dict):
                return UNKNOWN
            return self.data.get(name, default)
        attr = self.body.get(name)
        if attr is None:
            return default
        # Rules ask one rule about many ports (TAP102: every listener's): evaluate once.
        if name not in self._values:
            self._values[name] = evaluate(self.module, attr.expression, self.scope)
        return self._values[name]

    @property
    def at(self) -> Attribute | Block:
        """What a finding about the whole rule points at."""
        return self.body if self.body is not None else self.attribute

    @property
    def location(self) -> str:
        if self.form != INLINE:
            return self.resource.address
        kind = self.dynamic.labels[0] if self.dynamic is not None else self.direction
        where = f"{kind} rule at {self.at.path}:{self.at.line}"
        if self.dynamic is not None and self.scope:
            key = next(iter(self.scope.values())).get("key")
            where += f", dynamic instance {json.dumps(key)}"
        return f"{self.resource.address} ({where})"

    # -- protocol and ports ----------------------------------------------------------------
    @property
    def protocol(self) -> Any:
        value = self.value(self.names[0])
        if value is UNKNOWN or value is None or isinstance(value, (bool, list, dict)):
            return UNKNOWN
        text = str(value).lower() if not isinstance(value, float) else str(int(value))
        return _PROTOCOLS.get(text, text)

    def ports(self) -> Any:
        """(from, to), ALL_PORTS for every protocol, or UNKNOWN."""
        protocol = self.protocol
        if protocol is UNKNOWN:
            return UNKNOWN
        if protocol == "all":
            return ALL_PORTS
        low, high = _port(self.value("from_port")), _port(self.value("to_port"))
        if low is UNKNOWN or high is UNKNOWN:
            return UNKNOWN
        if low == -1 and high == -1:
            return ALL_PORTS
        return (low, high)

    def admits(self, port: int, protocol: str = "tcp") -> Any:
        """Does it pass traffic to `port`/`protocol`? True, False or UNKNOWN."""
        answer = self._admits(port, protocol)
        if answer is True and self.exists is not True:
            return UNKNOWN
        return answer

    def _admits(self, port: int, protocol: str) -> Any:
        actual = self.protocol
        if actual is UNKNOWN:
            return UNKNOWN
        if actual == "all":
            return True
        if actual != protocol:
            return False
        ports = self.ports()
        if ports is UNKNOWN:
            return UNKNOWN
        return ports[0] <= port <= ports[1]

    # -- sources ---------------------------------------------------------------------------
    def cidrs(self, family: int) -> Any:
        """The IPv4 (family 4) or IPv6 (6) CIDRs as a list (elements may be UNKNOWN), or UNKNOWN."""
        name = self.names[1] if family == 4 else self.names[2]
        value = self.value(name)
        if value is UNKNOWN:
            return UNKNOWN
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return list(value) if isinstance(value, list) else UNKNOWN

    def world_cidrs(self) -> list[tuple[str, str]]:
        """(argument, CIDR) for every known 0.0.0.0/0 or ::/0 source."""
        out = []
        for family, name in ((4, self.names[1]), (6, self.names[2])):
            cidrs = self.cidrs(family)
            if cidrs is UNKNOWN:
                continue
            out.extend((name, c) for c in cidrs if isinstance(c, str) and c in WORLD)
        return out

    def source_groups(self) -> list[str] | None:
        """The module's security groups this rule names as peers; None when a peer is not one."""
        name = self.names[3]
        if self.body is None:
            return None if self.data is UNKNOWN else []
        attr = self.body.get(name)
        if attr is None:
            return []
        return groups_in(self.module, attr.expression, self.resource)

    @property
    def has_sources(self) -> Any:
        """Whether any peer argument other than the CIDRs is set (self, prefix lists, groups)."""
        names = [
            self.names[3],
            "self",
            "prefix_list_ids" if self.form in (INLINE, SG_RULE) else "prefix_list_id",
        ]
        values = [self.value(n) for n in names]
        if any(v is UNKNOWN for v in values):
            return UNKNOWN
        return any(v not in (None, False, [], "") for v in values)


def _port(value: Any) -> Any:
    if value is UNKNOWN or value is None or isinstance(value, bool):
        return UNKNOWN
    try:
        return int(value)
    except (TypeError, ValueError):
        return UNKNOWN


# --- collecting ---------------------------------------------------------------------------------


def security_group_rules(module: Module) -> list[SgRule]:
    """Every rule instance of the module, in all three forms (collected once per module: TAP101
    asks again for every group it reports)."""
    return list(module.memo("security group rules", lambda: _collect(module)))


def _collect(module: Module) -> tuple[SgRule, ...]:
    rules: list[SgRule] = []
    for group in module.resources(GROUP):
        if _known_empty(group):
            continue
        rules.extend(_inline_rules(group))
    for resource in module.resources(SG_RULE, VPC_INGRESS, VPC_EGRESS):
        rules.extend(_resource_rules(module, resource))
    return tuple(rules)


def _inline_rules(group: Block) -> list[SgRule]:
    rules: list[SgRule] = []
    for direction in ("ingress", "egress"):
        for body in group.nested(direction):
            rules.append(SgRule(INLINE, direction, group, group.address, body))
        for dynamic in group.dynamic(direction):
            rules.extend(_dynamic_rules(group, direction, dynamic))
        attr = group.get(direction)
        if attr is not None:
            value = attr.value()
            if isinstance(value, list):
                for item in value:
                    data = item if isinstance(item, dict) else UNKNOWN
                    rules.append(SgRule(INLINE, direction, group, group.address, data=data, attribute=attr))
            else:
                rules.append(
                    SgRule(
                        INLINE, direction, group, group.address, data=UNKNOWN, attribute=attr, exists=UNKNOWN
                    )
                )
    return rules


def _dynamic_rules(group: Block, direction: str, dynamic: Block) -> list[SgRule]:
    contents = dynamic.nested("content")
    if not contents:
        return []
    iterator = dynamic.get("iterator")
    name = iterator.source.strip() if iterator is not None else direction
    collection = dynamic.value("for_each", UNKNOWN)
    if isinstance(collection, dict):
        items = list(collection.items())
    elif isinstance(collection, list):
        items = list(enumerate(collection))
    else:
        return [SgRule(INLINE, direction, group, group.address, contents[0], exists=UNKNOWN, dynamic=dynamic)]
    return [
        SgRule(
            INLINE,
            direction,
            group,
            group.address,
            contents[0],
            scope={name: {"key": key, "value": value}},
            dynamic=dynamic,
        )
        for key, value in items
    ]


def _resource_rules(module: Module, resource: Block) -> list[SgRule]:
    form = resource.resource_type
    target = resource.get("security_group_id")
    groups = groups_in(module, target.expression, resource) if target is not None else None
    group = groups[0] if groups and len(set(groups)) == 1 else None
    out = []
    for scope, exists in instances(resource):
        if form == SG_RULE:
            direction = resource.get("type")
            direction = UNKNOWN if direction is None else evaluate(module, direction.expression, scope)
            if direction not in ("ingress", "egress"):
                direction = UNKNOWN
        else:
            direction = "ingress" if form == VPC_INGRESS else "egress"
        out.append(SgRule(form, direction, resource, group, resource, scope=scope, exists=exists))
    return out


def instances(block: Block) -> list[tuple[dict[str, Any], Any]]:
    """(evaluation scope, exists) per instance of a resource with count/for_each."""
    if block.count is not None:
        count = known_count(block.count.value())
        if count is not None:
            return [({"count": {"index": i}}, True) for i in range(count)]
        return [({}, UNKNOWN)]
    if block.for_each is not None:
        collection = block.for_each.value()
        if isinstance(collection, dict):
            return [({"each": {"key": k, "value": v}}, True) for k, v in collection.items()]
        if isinstance(collection, list) and is_known(collection):
            return [({"each": {"key": v, "value": v}}, True) for v in collection]
        return [({}, True if _literal_nonempty(block.for_each.expression) else UNKNOWN)]
    return [({}, True)]


def _known_empty(block: Block) -> bool:
    found = instances(block)
    return not found


def _literal_nonempty(expr: Expr) -> bool:
    """A for_each written as a non-empty literal list or map (`toset([...])` too): its instances
    exist even when their keys cannot be evaluated."""
    call = call_of(expr, "toset")
    if call is not None:
        args = call.args
        if len(args) != 1:
            return False
        expr = args[0]
    return isinstance(expr, (Tuple, Object)) and bool(expr.items)


# --- which security groups an expression names ----------------------------------------------------


def groups_in(module: Module, expr: Expr, holder: Block | None = None, _depth: int = 0) -> list[str] | None:
    """The `aws_security_group` addresses an expression (e.g. a list of group IDs) names, or None
    when some part of it may be a group this module does not define (a variable, a data source,
    a literal ID). Both branches of a conditional count."""
    if _depth > 16:
        return None
    if isinstance(expr, Literal):
        return [] if expr.is_null else None
    if isinstance(expr, Tuple):
        return _union(module, expr.items, holder, _depth)
    if isinstance(expr, Call):
        return _union(module, expr.args, holder, _depth) if expr.name in _COLLECTION_FUNCTIONS else None
    if isinstance(expr, Conditional):
        return _union(module, [expr.if_true, expr.if_false], holder, _depth)
    if isinstance(expr, For):
        return None if expr.is_object else _union(module, [expr.collection], holder, _depth)
    if isinstance(expr, Reference) and len(expr.parts) == 1:
        return None  # a bare name (`each`) is no group ID
    if not isinstance(expr, (Reference, Access, Splat)):
        return None
    found = traversals(expr)
    if len(found) != 1:
        return None
    parts = found[0]
    root = parts[0]
    if root == GROUP and len(parts) >= 2 and isinstance(parts[1], str):
        return [f"{GROUP}.{parts[1]}"]
    if root == "local" and len(parts) >= 2 and isinstance(parts[1], str):
        local = module.locals.get(parts[1])
        return None if local is None else groups_in(module, local.expression, holder, _depth + 1)
    if root == "var":
        value = evaluate(module, expr)
        return [] if value in ([], None, "") else None
    if root == "each" and holder is not None and holder.for_each is not None:
        return groups_in(module, holder.for_each.expression, holder, _depth + 1)
    return None


def _union(module: Module, exprs: list[Expr], holder: Block | None, depth: int) -> list[str] | None:
    out: list[str] = []
    for child in exprs:
        found = groups_in(module, child, holder, depth + 1)
        if found is None:
            return None
        out.extend(g for g in found if g not in out)
    return out
