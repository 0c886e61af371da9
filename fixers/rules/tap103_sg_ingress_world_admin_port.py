"""TAP103: ingress from the whole internet to an administration or data port."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.aws.security_groups import WORLD, SgRule, security_group_rules
from fixers.config import RuleOptions
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, FixAvailability, Rule, Severity
from fixers.module import Module
from fixers.rules._tap103_fix import narrowing_fix

RULE = Rule(
    id="TAP103",
    name="sg-ingress-world-admin-port",
    severity=Severity.HIGH,
    why="Admin and database ports open to 0.0.0.0/0 are scanned and attacked within minutes.",
    fix=Applicability.UNSAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# Remote administration: people connect, so only an explicit egress rule shows a client group.
ADMIN_PORTS = {22: "SSH", 23: "Telnet", 3389: "RDP", 5900: "VNC", 5985: "WinRM", 5986: "WinRM"}
# Data stores and control planes: the resources that use them show up in the graph.
DATA_PORTS = {
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS",
    2375: "Docker API",
    2376: "Docker API",
    2379: "etcd",
    3306: "MySQL",
    5432: "PostgreSQL",
    5439: "Redshift",
    5601: "Kibana",
    5984: "CouchDB",
    6379: "Redis",
    9042: "Cassandra",
    9092: "Kafka",
    9200: "Elasticsearch/OpenSearch",
    9300: "Elasticsearch/OpenSearch",
    11211: "Memcached",
    27017: "MongoDB",
}
PORTS = {**ADMIN_PORTS, **DATA_PORTS}
_UDP_PORTS = {2049, 3389, 11211}  # services that also answer on UDP


def exposed_ports(rule: SgRule) -> list[int] | None:
    """The admin/data ports the rule opens, or None when its protocol or ports are unknown."""
    protocol = rule.protocol
    ports = rule.ports()
    if protocol is UNKNOWN or ports is UNKNOWN:
        return None
    low, high = ports
    if protocol == "all":
        return sorted(PORTS)
    allowed = {p for p in PORTS if protocol == "tcp" or (protocol == "udp" and p in _UDP_PORTS)}
    return sorted(p for p in allowed if low <= p <= high)


def describe_ports(rule: SgRule, ports: list[int]) -> str:
    if rule.protocol == "all":
        return "every port and protocol, including SSH 22, RDP 3389 and the database ports"
    low, high = rule.ports()
    named = [f"{PORTS[p]} {p}" for p in ports]
    if low == high:
        return named[0]
    shown = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
    return f"ports {low}-{high}, including {shown}"


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    rules = security_group_rules(module)
    seen: set[int] = set()
    for rule in rules:
        if rule.direction != "ingress" or rule.exists is not True or id(rule.at) in seen:
            continue
        world = rule.world_cidrs()
        ports = exposed_ports(rule) if world else None
        if not world or not ports:
            continue
        seen.add(id(rule.at))
        yield _finding(module, rule, rules, world, ports)


def _evidence(rule: SgRule, world: list[tuple[str, str]]) -> str:
    parts = []
    for name in dict.fromkeys(n for n, _ in world):
        attr = rule.get(name)
        cidrs = " and ".join(dict.fromkeys(c for n, c in world if n == name))
        literal = attr is not None and attr.source.strip('[]"') in WORLD
        parts.append(cidrs if literal or attr is None else f"{cidrs} ({name} = {attr.source})")
    return " and ".join(parts)


def _finding(
    module: Module, rule: SgRule, rules: list[SgRule], world: list[tuple[str, str]], ports: list[int]
) -> Finding:
    group = f" on {rule.group}" if rule.group and rule.form != "inline" else ""
    message = (
        f"{rule.location} admits {_evidence(rule, world)} to {describe_ports(rule, ports)}{group}: "
        "anyone on the internet can reach it"
    )
    at = rule.get(world[0][0]) or rule.at
    fix, note = narrowing_fix(module, rule, rules, world, ports, set(DATA_PORTS), PORTS)
    if note:
        message += f" ({note})"
    key = "" if rule.form != "inline" else _index_in_group(rule)
    return RULE.finding(at, message, key=key, fix=fix, resource=rule.resource.address)


def _index_in_group(rule: SgRule) -> str:
    """A line-independent name for an inline rule: its position among the group's rule blocks."""
    blocks = [b for b in rule.resource.blocks if b.type in ("ingress", "dynamic")]
    holder = rule.dynamic if rule.dynamic is not None else rule.body
    if holder in blocks:
        return f"ingress[{blocks.index(holder)}]"
    return "ingress"
