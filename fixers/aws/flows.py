"""Flows between security groups: what a group talks to, read from the module's reference graph.

The egress a group needs (`egress_needs`, for TAP101's fix):
- peers: groups whose ingress admits this group (an ALB admitted by the app group, the app
  admitted by the DB group) need egress to them on the same ports;
- what the group is attached to: compute (instances, launch templates, Lambda, ECS) also
  needs HTTPS to AWS APIs, SSM and package repositories; databases and caches only answer;
- load balancers: egress to their targets on the target-group ports, and HTTPS to the
  identity provider when a listener authenticates users.
Whatever the module cannot show (a module call, an output, an unmodelled resource) makes the
result uncertain, and the reasons say why.

Who connects to a group (`egress_peers`, `consumers`, for TAP103's fix): groups whose egress rules
name it, and the groups of resources that use what it protects. Both are computed once per module
and group (`Module.memo`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from fixers.aws.security_groups import (
    GROUP,
    SG_RULE,
    VPC_EGRESS,
    VPC_INGRESS,
    groups_in,
    security_group_rules,
)
from fixers.companions import instance_count, refers_to
from fixers.evaluate import UNKNOWN, traversals
from fixers.model import Attribute, Block
from fixers.module import Module

ALL_PROTOCOLS = ("-1", "all")
TCP = ("tcp", "6")
UDP = ("udp", "17")

RULE_TYPES = (GROUP, SG_RULE, VPC_INGRESS, VPC_EGRESS)
# Arguments that attach security groups to what a resource runs (instances, functions, clusters).
SG_ATTRIBUTES = ("vpc_security_group_ids", "security_group_ids", "security_groups")
# Resources whose members start connections of their own: instances, tasks, functions, builds.
COMPUTE_TYPES = (
    "aws_instance",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_lambda_function",
    "aws_ecs_service",
    "aws_codebuild_project",
    "aws_batch_compute_environment",
)
# Resources that only answer connections: their security groups need no egress.
STORE_TYPES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_efs_mount_target",
    "aws_vpc_endpoint",
)
LB_TYPES = ("aws_lb", "aws_alb")

SERVICES = {
    22: "SSH",
    53: "DNS",
    80: "HTTP",
    443: "HTTPS",
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS",
    3306: "MySQL",
    5432: "PostgreSQL",
    6379: "Redis",
    9200: "OpenSearch",
    11211: "Memcached",
    27017: "MongoDB",
}
ENGINE_PORTS = {
    "mysql": 3306,
    "mariadb": 3306,
    "aurora": 3306,
    "aurora-mysql": 3306,
    "postgres": 5432,
    "aurora-postgresql": 5432,
    "redis": 6379,
    "valkey": 6379,
    "memcached": 11211,
}
ENGINE_PREFIX_PORTS = {"oracle": 1521, "sqlserver": 1433}
DEFAULT_PORTS = {
    "aws_elasticache_replication_group": 6379,
    "aws_memorydb_cluster": 6379,
    "aws_efs_mount_target": 2049,
    "aws_docdb_cluster": 27017,
    "aws_neptune_cluster": 8182,
    "aws_redshift_cluster": 5439,
}
INTERNET = {"ipv4": "0.0.0.0/0", "ipv6": "::/0"}


@dataclass(frozen=True)
class Ports:
    """A protocol and port range, as HCL source to copy into a new rule."""

    protocol: str
    from_port: str | None = None  # None for all protocols
    to_port: str | None = None
    identity: tuple = ()
    label: str = "all traffic"

    @property
    def all_traffic(self) -> bool:
        return self.from_port is None


ALL_TRAFFIC = Ports('"-1"', identity=("-1",))


def tcp(source: str | int, value: object = None) -> Ports:
    """TCP on one port: `source` is the HCL to write (a number or e.g. `var.app_port`), `value`
    its evaluated number when known."""
    number = source if isinstance(source, int) else value if isinstance(value, int) else None
    name = SERVICES.get(number, "TCP") if number is not None else "TCP"
    label = f"{name} {number}" if number is not None else f"TCP {source}"
    return Ports(
        '"tcp"', str(source), str(source), ("tcp", number if number is not None else str(source)), label
    )


@dataclass(frozen=True)
class Target:
    kind: str  # "sg", "self", "cidr4" or "cidr6"
    source: str  # the security-group id or CIDR as HCL source ("" for self)
    name: str  # a short name for new resources: "db", "self", "vpc"
    label: str  # how messages name it
    identity: str
    internet: bool = False  # HTTPS to AWS APIs and repositories, one rule per address family


@dataclass(frozen=True)
class Need:
    ports: Ports
    target: Target

    @property
    def identity(self) -> tuple:
        return (*self.ports.identity, self.target.kind, self.target.identity)

    @property
    def description(self) -> str:
        return f"{self.ports.label} to {self.target.label}"


@dataclass
class Graph:
    needs: list[Need] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it may be incomplete
    attached: list[str] = field(default_factory=list)  # what uses the group, for messages
    # Peers an inline rule cannot name: they refer back to the group (a dependency cycle).
    cyclic: list[str] = field(default_factory=list)


# --- values and sources ------------------------------------------------------------------------


def copyable(attr: Attribute) -> bool:
    """Can the attribute's source be copied into another resource as it is?"""
    if "\n" in attr.source:
        return False
    holder = attr.block
    while holder is not None:
        if holder.type in ("content", "dynamic"):
            return False  # it may use the dynamic block's iterator
        holder = holder.parent
    return not any(parts[:1] in (("count",), ("each",), ("self",)) for parts in traversals(attr.expression))


def _literal(value: object) -> str | None:
    if isinstance(value, bool) or value is UNKNOWN:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f'"{value}"'
    return None


def _source(attr: Attribute | None, scope: dict | None = None) -> str | None:
    """HCL source reproducing the attribute's value in another resource, or None."""
    if attr is None:
        return None
    if copyable(attr):
        return attr.source
    return _literal(attr.value(scope))


def protocol_of(value: object) -> str | None:
    """ "-1", "tcp" or "udp" (numbers and "all" normalised), None when unknown or other."""
    if value is UNKNOWN or value is None:
        return None
    text = str(value).lower()
    if text in ALL_PROTOCOLS:
        return "-1"
    if text in TCP:
        return "tcp"
    if text in UDP:
        return "udp"
    return text


def all_traffic(protocol: object, from_port: object, to_port: object) -> bool | None:
    """True for every protocol, or TCP/UDP over every port; None when it cannot be known."""
    proto = protocol_of(protocol)
    if proto is None:
        return None
    if proto == "-1":
        return True
    if proto not in ("tcp", "udp"):
        return False
    if from_port is UNKNOWN or to_port is UNKNOWN:
        return None
    return from_port == 0 and to_port == 65535


def rule_ports(block: Block, protocol: str, scope: dict | None = None) -> Ports | None:
    """The ports of an existing rule (`protocol` names its protocol argument), as copyable
    source; None when they cannot be reproduced."""
    proto_attr = block.get(protocol)
    if proto_attr is None:
        return None
    from_attr, to_attr = block.get("from_port"), block.get("to_port")
    proto_value = proto_attr.value(scope)
    from_value = from_attr.value(scope) if from_attr is not None else None
    to_value = to_attr.value(scope) if to_attr is not None else None
    if all_traffic(proto_value, from_value, to_value):
        return ALL_TRAFFIC
    proto_src, from_src, to_src = (
        _source(proto_attr, scope),
        _source(from_attr, scope),
        _source(to_attr, scope),
    )
    if proto_src is None or from_src is None or to_src is None:
        return None
    proto = protocol_of(proto_value) or proto_src
    ident_from = from_value if from_value is not UNKNOWN else from_src
    ident_to = to_value if to_value is not UNKNOWN else to_src
    if proto == "tcp" and from_src == to_src:
        return tcp(from_src, from_value)
    kind = proto.upper() if proto in ("tcp", "udp") else f"protocol {proto}"
    span = from_src if from_src == to_src else f"{from_src}-{to_src}"
    if isinstance(from_value, int) and isinstance(to_value, int):
        span = str(from_value) if from_value == to_value else f"{from_value}-{to_value}"
    return Ports(proto_src, from_src, to_src, (proto, ident_from, ident_to), f"{kind} {span}")


# --- the graph ---------------------------------------------------------------------------------


def resolve_group(module: Module, attr: Attribute | None, depth: int = 0) -> Block | None:
    """The `aws_security_group` an expression names, directly or through locals."""
    if attr is None or depth > 8:
        return None
    for mention in module.reference_graph().mentions(attr):
        address = mention.address.node
        if address.startswith("aws_security_group."):
            return module.find(address)
        if address.startswith("local."):
            local = module.locals.get(address[6:])
            found = resolve_group(module, local, depth + 1)
            if found is not None:
                return found
    return None


def users(module: Module, group: Block) -> list[Block]:
    """Top-level blocks that mention the group, following locals to where they are used."""
    return module.reference_graph().users(group.address)


def _peer_target(module: Module, group: Block, attr: Attribute | None, peer: Block | None) -> Target | None:
    if attr is None:
        return None
    if peer is group:
        return Target("self", "", "self", f"{group.address} itself", "self")
    if not copyable(attr):
        return None
    if peer is not None:
        name = peer.name
    else:
        # A group defined elsewhere (var.db_sg_id, data.aws_security_group.db.id): named after the reference.
        last = attr.source.removesuffix(".id").split(".")[-1]
        name = re.sub(r"[^A-Za-z0-9_]+", "_", last).strip("_") or "peer"
    label = peer.address if peer is not None else attr.source
    return Target("sg", attr.source, name, label, peer.address if peer is not None else attr.source)


def _admitting_rules(
    module: Module, group: Block
) -> Iterator[tuple[Block, str, Target | None, Block | None]]:
    """(rule, its protocol argument, the peer that admits the group, the peer block) for every
    ingress rule in the module whose source is the group."""
    for rule in module.resources("aws_vpc_security_group_ingress_rule"):
        source = rule.get("referenced_security_group_id")
        if source is None or instance_count(rule) == 0 or not refers_to(module, source, group.address):
            continue
        peer_attr = rule.get("security_group_id")
        peer = resolve_group(module, peer_attr)
        yield rule, "ip_protocol", _peer_target(module, group, peer_attr, peer), peer
    for rule in module.resources("aws_security_group_rule"):
        if rule.value("type", UNKNOWN) != "ingress" or instance_count(rule) == 0:
            continue
        peer_attr = rule.get("security_group_id")
        source = rule.get("source_security_group_id")
        if source is not None and refers_to(module, source, group.address):
            peer = resolve_group(module, peer_attr)
            yield rule, "protocol", _peer_target(module, group, peer_attr, peer), peer
        elif (
            rule.value("self", False) is True
            and peer_attr is not None
            and refers_to(module, peer_attr, group.address)
        ):
            yield rule, "protocol", _peer_target(module, group, peer_attr, group), group
    for peer in module.resources("aws_security_group"):
        for ingress in peer.nested("ingress"):
            groups = ingress.get("security_groups")
            admits = groups is not None and refers_to(module, groups, group.address)
            if peer is group and ingress.value("self", False) is True:
                admits = True
            if not admits:
                continue
            if peer is group:
                yield ingress, "protocol", Target("self", "", "self", f"{group.address} itself", "self"), peer
            elif peer.count is None and peer.for_each is None:
                target = Target("sg", f"{peer.address}.id", peer.name, peer.address, peer.address)
                yield ingress, "protocol", target, peer
            else:
                yield ingress, "protocol", None, peer


def service_ports(module: Module, peer: Block) -> list[Ports]:
    """The ports the things behind `peer` listen on: a database's port, a cache's, a load
    balancer's listeners. Empty when unknown."""
    found: list[Ports] = []
    for user in users(module, peer):
        kind = user.resource_type
        if kind in LB_TYPES:
            for listener in listeners(module, user):
                port = listener.get("port")
                if port is not None and copyable(port):
                    found.append(tcp(port.source, port.value()))
            continue
        if kind not in STORE_TYPES and kind != "aws_vpc_endpoint":
            continue
        port = user.get("port")
        if port is not None and copyable(port):
            found.append(tcp(port.source, port.value()))
            continue
        default = _default_port(user)
        if default is not None:
            found.append(tcp(default))
    unique: dict[tuple, Ports] = {}
    for ports in found:
        unique.setdefault(ports.identity, ports)
    return list(unique.values())


def _default_port(user: Block) -> int | None:
    if user.resource_type == "aws_vpc_endpoint":
        return 443  # interface endpoints answer HTTPS
    engine = user.value("engine", UNKNOWN)
    if isinstance(engine, str):
        if engine in ENGINE_PORTS:
            return ENGINE_PORTS[engine]
        for prefix, port in ENGINE_PREFIX_PORTS.items():
            if engine.startswith(prefix):
                return port
        return None
    if user.resource_type == "aws_elasticache_replication_group":
        return 6379  # engine defaults to redis
    return DEFAULT_PORTS.get(user.resource_type)


def listeners(module: Module, lb: Block) -> list[Block]:
    return [
        listener
        for listener in module.resources("aws_lb_listener", "aws_alb_listener")
        if listener.get("load_balancer_arn") is not None
        and refers_to(module, listener.get("load_balancer_arn"), lb.address)
    ]


def _with_rules(module: Module, listener: Block) -> list[Block]:
    """The listener and its listener rules: together they say where its traffic goes."""
    return [
        listener,
        *(
            rule
            for rule in module.resources("aws_lb_listener_rule", "aws_alb_listener_rule")
            if rule.get("listener_arn") is not None
            and refers_to(module, rule.get("listener_arn"), listener.address)
        ),
    ]


def _target_groups(module: Module, listener: Block) -> list[Block]:
    found: dict[str, Block] = {}
    for holder in _with_rules(module, listener):
        for inner in holder.walk():
            for attr in inner.attribute_list:
                for mention in module.reference_graph().mentions(attr):
                    address = mention.address.node
                    if mention.address.kind == "resource" and mention.address.type in (
                        "aws_lb_target_group",
                        "aws_alb_target_group",
                    ):
                        block = module.find(address)
                        if block is not None:
                            found.setdefault(address, block)
    return list(found.values())


def _authenticates(listener: Block, module: Module) -> bool:
    return any(
        inner.type in ("authenticate_oidc", "authenticate_cognito")
        or inner.value("type", None) in ("authenticate-oidc", "authenticate-cognito")
        for block in _with_rules(module, listener)
        for inner in block.walk()
    )


def vpc_cidr(module: Module, group: Block) -> Target | None:
    """The group's VPC CIDR as a target, when the module knows the VPC."""
    vpc_id = group.get("vpc_id")
    if vpc_id is None:
        return None
    for target, rest in module.reference_graph().mentions(vpc_id):
        if rest != ("id",) or target.key is not None:
            continue
        address = target.node
        if address.startswith(("aws_vpc.", "data.aws_vpc.")):
            source = f"{address}.cidr_block"
            return Target("cidr4", source, "vpc", f"the VPC ({source})", source)
    return None


def _target_group_needs(module: Module, group: Block, lb: Block, graph: Graph) -> list[Need]:
    needs: list[Need] = []
    for listener in listeners(module, lb):
        for target_group in _target_groups(module, listener):
            if target_group.value("target_type", "instance") == "lambda":
                continue
            cidr = vpc_cidr(module, target_group) or vpc_cidr(module, group)
            port = target_group.get("port")
            if cidr is None or port is None or not copyable(port):
                graph.reasons.append(f"it cannot tell where the targets of {target_group.address} are")
                continue
            ports = [tcp(port.source, port.value())]
            for check in target_group.nested("health_check"):
                value = check.value("port", "traffic-port")
                if isinstance(value, str) and value.isdigit() and int(value) != port.value():
                    ports.append(tcp(int(value)))
            needs.extend(Need(p, cidr) for p in ports)
    return needs


def egress_needs(module: Module, group: Block, families: set[str]) -> Graph:
    """The egress `group` needs, for the open `families` ("ipv4", "ipv6"). Computed once per
    module, group and families: callers read the result and never change it."""
    key = ("security group egress needs", group.address, frozenset(families))
    return module.memo(key, lambda: _egress_needs(module, group, families))


def _egress_needs(module: Module, group: Block, families: set[str]) -> Graph:
    graph = Graph()
    for rule, protocol, target, peer in _admitting_rules(module, group):
        if target is None:
            graph.reasons.append(
                f"{rule.address} admits it with a count/for_each reference tapfix cannot copy"
            )
            continue
        ports = rule_ports(rule, protocol)
        if ports is None:
            graph.reasons.append(f"the ports of {rule.address} cannot be evaluated")
            continue
        narrowed = service_ports(module, peer) if ports.all_traffic and peer not in (None, group) else []
        for each in narrowed or [ports]:
            graph.needs.append(Need(each, target))
        if (
            peer is not None
            and peer is not group
            and target.kind == "sg"
            and module.reference_graph().depends_on(peer.address, group.address)
        ):
            graph.cyclic.append(peer.address)
    peers_found = bool(graph.needs)
    internet = ""  # what HTTPS to the internet is for, when something needs it
    for user in users(module, group):
        kind = user.resource_type
        if user.type == "resource" and kind in RULE_TYPES:
            continue
        if user.type == "resource" and instance_count(user) == 0:
            continue
        graph.attached.append(user.address)
        if user.type == "module":
            graph.reasons.append(f"it is passed to {user.address}")
        elif user.type == "output":
            graph.reasons.append(f"{user.address} exports it")
        elif kind in COMPUTE_TYPES:
            internet = "AWS APIs, SSM, package repositories"
        elif kind in LB_TYPES:
            if any(_authenticates(listener, module) for listener in listeners(module, user)):
                internet = internet or "the identity provider of its listeners"
            if not peers_found:
                graph.needs.extend(_target_group_needs(module, group, user, graph))
        elif kind not in STORE_TYPES:
            graph.reasons.append(f"it is attached to {user.address}, whose traffic tapfix does not model")
    if not graph.attached:
        graph.reasons.append("nothing in this module attaches it")
    if internet:
        for family in sorted(families):
            cidr = INTERNET[family]
            kind = "cidr4" if family == "ipv4" else "cidr6"
            label = f"{cidr} ({internet})"
            target = Target(kind, f'"{cidr}"', "https", label, cidr, internet=True)
            graph.needs.append(Need(tcp(443), target))
    unique: dict[tuple, Need] = {}
    for need in graph.needs:
        unique.setdefault(need.identity, need)
    graph.needs = list(unique.values())
    return graph


# --- who connects to a group ---------------------------------------------------------------------


def egress_peers(module: Module, group: str, protocol: str, ports: list[int]) -> list[str]:
    """The other groups of the module with an egress rule (that surely exists) to `group` on one
    of `ports`."""
    found: list[str] = []
    for rule in security_group_rules(module):
        if rule.direction != "egress" or rule.exists is not True or rule.group in (None, group):
            continue
        if group in (rule.source_groups() or []) and any(rule.admits(p, protocol) is True for p in ports):
            found.append(rule.group)
    return list(dict.fromkeys(found))


def consumers(module: Module, group: str) -> list[str]:
    """The groups of resources that use a resource `group` is attached to: the clients of a
    database or cache, seen through the references to it (an instance whose user data names the
    database's address)."""
    return module.memo(("security group consumers", group), lambda: _consumers(module, group))


def _consumers(module: Module, group: str) -> list[str]:
    found: list[str] = []
    for server in module.resources():
        if server.resource_type in RULE_TYPES or not attached_to(module, server, group):
            continue
        for consumer in module.resources():
            if consumer is server or consumer.resource_type in RULE_TYPES:
                continue
            if _mentions(module, consumer, server.address):
                found.extend(g for g in attached_groups(module, consumer) if g != group)
    return list(dict.fromkeys(found))


def _sg_attributes(block: Block) -> list[Attribute]:
    return [a for inner in block.walk() for a in inner.attribute_list if a.name in SG_ATTRIBUTES]


def attached_to(module: Module, block: Block, group: str) -> bool:
    """Is the security group `group` (an address) attached to `block`?"""
    return any(refers_to(module, a, group) for a in _sg_attributes(block))


def attached_groups(module: Module, block: Block) -> list[str]:
    """The module's security groups attached to `block` (those its arguments name)."""
    out: list[str] = []
    for attr in _sg_attributes(block):
        out.extend(groups_in(module, attr.expression, block) or [])
    return out


def _mentions(module: Module, block: Block, address: str) -> bool:
    return any(refers_to(module, a, address) for inner in block.walk() for a in inner.attribute_list)
