"""TAP102: a load balancer listener on a port its security groups do not admit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fixers.aws.security_groups import (
    INLINE,
    SG_RULE,
    VPC_INGRESS,
    SgRule,
    groups_in,
    instances,
    security_group_rules,
)
from fixers.companions import free_name, passed_to_module, refers_to
from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, hcl_list, hcl_string, insert_after, insert_nested_block
from fixers.evaluate import UNKNOWN, evaluate, traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module
from fixers.semantic.expressions import Literal, Tuple, call_of

RULE = Rule(
    id="TAP102",
    name="lb-listener-port-blocked",
    severity=Severity.HIGH,
    why="A listener whose port the load balancer's security groups drop never answers.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

LOAD_BALANCERS = ("aws_lb", "aws_alb")
LISTENERS = ("aws_lb_listener", "aws_alb_listener")
_TRANSPORT = {"HTTP": "tcp", "HTTPS": "tcp", "TCP": "tcp", "TLS": "tcp", "UDP": "udp", "TCP_UDP": "tcp"}


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    rules = security_group_rules(module)
    for listener in module.resources(*LISTENERS):
        lb = _load_balancer(module, listener)
        if lb is None:
            continue
        groups = _groups(module, lb)
        if groups is None:
            continue
        ingress = [r for r in rules if r.direction != "egress" and (r.group in groups or r.group is None)]
        reported: set[int] = set()
        for scope, exists in instances(listener):
            port, protocol = _port_and_protocol(listener, lb, scope)
            if exists is not True or port is UNKNOWN or protocol is UNKNOWN or port in reported:
                continue
            verdicts = [r.admits(port, protocol) for r in ingress]
            if any(v is True or v is UNKNOWN for v in verdicts):
                continue
            reported.add(port)
            yield _finding(module, listener, lb, groups, ingress, port, protocol, scope)


def _load_balancer(module: Module, listener: Block) -> Block | None:
    attr = listener.get("load_balancer_arn")
    if attr is None:
        return None
    for lb in module.resources(*LOAD_BALANCERS):
        if refers_to(module, attr, lb.address):
            return lb
    return None


def _groups(module: Module, lb: Block) -> list[str] | None:
    """The security groups of `lb` when every one is a group of this module whose rules we see."""
    kind = lb.value("load_balancer_type", "application")
    attr = lb.get("security_groups")
    if kind not in ("application", "network") or attr is None:
        return None  # an NLB without groups filters nothing; an ALB without them gets the VPC default
    groups = groups_in(module, attr.expression, lb)
    if not groups:
        return None
    for address in groups:
        group = module.find(address)
        if group is None or passed_to_module(module, group):
            return None  # a module that receives the group may add rules to it
    return groups


def _port_and_protocol(listener: Block, lb: Block, scope: dict[str, Any]) -> tuple[Any, Any]:
    attr = listener.get("port")
    port = evaluate(listener.module, attr.expression, scope) if attr is not None else UNKNOWN
    try:
        port = int(port) if port is not UNKNOWN and not isinstance(port, bool) else UNKNOWN
    except (TypeError, ValueError):
        port = UNKNOWN
    proto_attr = listener.get("protocol")
    if proto_attr is None:
        is_alb = lb.value("load_balancer_type", "application") == "application"
        return port, "tcp" if is_alb else UNKNOWN
    protocol = evaluate(listener.module, proto_attr.expression, scope)
    if not isinstance(protocol, str):
        return port, UNKNOWN
    return port, _TRANSPORT.get(protocol.upper(), UNKNOWN)


def _listener_word(listener: Block, lb: Block, scope: dict[str, Any], port: int) -> str:
    protocol = listener.value("protocol", None, scope)
    if isinstance(protocol, str) and protocol.upper() in ("HTTP", "HTTPS"):
        return protocol.lower()
    return str(port)


def _admitted(ingress: list[SgRule], protocol: str) -> str:
    ranges = sorted(
        {
            r.ports()
            for r in ingress
            if r.exists is True and r.protocol == protocol and r.ports() is not UNKNOWN
        }
    )
    if not ranges:
        return "no inbound traffic"
    text = ", ".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)
    return f"only {protocol.upper()} {text}"


def _finding(
    module: Module,
    listener: Block,
    lb: Block,
    groups: list[str],
    ingress: list[SgRule],
    port: int,
    protocol: str,
    scope: dict[str, Any],
) -> Finding:
    mine = [r for r in ingress if r.group in groups]
    names = ", ".join(groups)
    plural = "s" if len(groups) > 1 else ""
    message = (
        f"{listener.address} listens on port {port} but {lb.address}'s security group{plural} {names} "
        f"admit{'' if plural else 's'} {_admitted(mine, protocol)}: connections to port {port} time out"
    )
    at = listener.get("port") or listener
    fix = None
    if protocol == "tcp":
        edits, description = _fix(module, listener, lb, groups, mine, port, scope)
        if edits:
            fix = Fix.safe(description, *edits)
    return RULE.finding(at, message, key=str(port), fix=fix)


# --- the fix ------------------------------------------------------------------------------------


def _other_listener_ports(module: Module, lb: Block, port: int) -> dict[int, str]:
    """Port -> protocol word ("https", "443") of the load balancer's listeners on other ports."""
    out: dict[int, str] = {}
    for other in module.resources(*LISTENERS):
        if _load_balancer(module, other) is not lb:
            continue
        for scope, _ in instances(other):
            found, _proto = _port_and_protocol(other, lb, scope)
            if isinstance(found, int) and found != port:
                out.setdefault(found, _listener_word(other, lb, scope, found))
    return out


def _fix(
    module: Module,
    listener: Block,
    lb: Block,
    groups: list[str],
    ingress: list[SgRule],
    port: int,
    scope: dict[str, Any],
) -> tuple[list[TextEdit], str]:
    word = _listener_word(listener, lb, scope, port)
    others = _other_listener_ports(module, lb, port)
    templates: list[tuple[SgRule, int]] = []
    for rule in ingress:
        if rule.exists is not True or rule.protocol != "tcp":
            continue
        served = next((q for q in others if rule.admits(q) is True), None)
        if served is not None and all(t[0].at is not rule.at for t in templates):
            templates.append((rule, served))
    if templates:
        group = templates[0][0].group
        chosen = [t for t in templates if t[0].group == group]
        return _copies(module, chosen, port, word, others)
    return _fresh_rule(module, lb, groups, port, word)


def _copies(
    module: Module, templates: list[tuple[SgRule, int]], port: int, word: str, others: dict[int, str]
) -> tuple[list[TextEdit], str]:
    """The group's rules for the other listener ports, copied for `port` (same sources, style)."""
    edits: list[TextEdit] = []
    names: list[str] = []
    pending: dict[int, tuple[Block, list[str]]] = {}
    taken: set[str] = set()
    for rule, served in templates:
        if rule.dynamic is not None:
            found = _extend_dynamic(rule, port)
            if found is None:
                return [], ""
            edits.append(found)
            names.append(f"add {port} to the ports of the dynamic ingress block of {rule.resource.address}")
            continue
        if rule.body is None or _ports_vary(rule):
            return [], ""
        old_word = others[served]
        if rule.form == INLINE:
            text = _copied_text(
                rule.body,
                rule.body.file.text[rule.body.start : rule.body.body_start],
                port,
                served,
                old_word,
                word,
            )
            edits.append(edit(rule.body.file, rule.body.end, rule.body.end, "\n\n" + rule.body.indent + text))
            names.append(f"add an ingress block to {rule.resource.address}")
            continue
        resource = rule.resource
        name = _copy_name(resource.name, served, port, old_word, word)
        name = free_name(module, resource.resource_type, name)
        while name in taken:
            name = free_name(module, resource.resource_type, name + "_2")
        taken.add(name)
        header = f'resource "{resource.resource_type}" "{name}" {{'
        text = _copied_text(resource, header, port, served, old_word, word)
        key = id(resource.file)
        last, texts = pending.get(key, (resource, []))
        if resource.end > last.end:
            last = resource
        pending[key] = (last, [*texts, text])
        names.append(f"add {resource.resource_type}.{name}")
    for last, texts in pending.values():
        edits.append(insert_after(last, "\n\n".join(texts)))
    return edits, f"Admit port {port} like port {templates[0][1]}: {'; '.join(names)}"


def _ports_vary(rule: SgRule) -> bool:
    """True when the rule's ports come from count/for_each/an iterator: a copy cannot keep them."""
    for name in ("from_port", "to_port"):
        attr = rule.body.get(name)
        if attr is None:
            return True
        if any(parts[0] in ("count", "each") for parts in traversals(attr.expression)):
            return True
    return False


def _copied_text(block: Block, header: str, port: int, served: int, old_word: str, word: str) -> str:
    """`block`'s text with a new header, its ports set to `port` and its description adjusted."""
    file = block.file
    replacements = []
    for name in ("from_port", "to_port"):
        attr = block.get(name)
        replacements.append((attr.value_start, attr.value_end, str(port)))
    description = block.get("description")
    if description is not None:
        value = description.value()
        if isinstance(value, str) and "${" not in description.source:
            new = _reword(value, served, port, old_word, word)
            replacements.append((description.value_start, description.value_end, hcl_string(new)))
    out, pos = [header], block.body_start
    for start, end, text in sorted(replacements):
        out.append(file.text[pos:start])
        out.append(text)
        pos = end
    out.append(file.text[pos : block.end])
    return "".join(out)


def _reword(text: str, served: int, port: int, old_word: str, word: str) -> str:
    def swap(match: re.Match) -> str:
        found = match.group(0)
        return word.upper() if found.isupper() else word.capitalize() if found[0].isupper() else word

    if not old_word.isdigit() and not word.isdigit():
        replaced = re.sub(rf"\b{re.escape(old_word)}\b", swap, text, flags=re.IGNORECASE)
        if replaced != text:
            return replaced
    return re.sub(rf"\b{served}\b", str(port), text)


def _copy_name(name: str, served: int, port: int, old_word: str, word: str) -> str:
    tokens = re.split(r"([_-])", name)
    for old, new in ((old_word, word), (str(served), str(port))):
        if old in tokens:
            return "".join(new if t == old else t for t in tokens)
    return f"{name}_{word}"


def _extend_dynamic(rule: SgRule, port: int) -> TextEdit | None:
    """Add `port` to a literal list of port numbers (or `toset` of one) that a dynamic block
    iterates over."""
    dynamic = rule.dynamic
    iterator = dynamic.get("iterator")
    name = iterator.source.strip() if iterator is not None else dynamic.labels[0]
    for arg in ("from_port", "to_port"):
        attr = rule.body.get(arg)
        if attr is None or traversals(attr.expression) != [(name, "value")]:
            return None
    for_each = dynamic.get("for_each")
    ports = for_each.expression
    call = call_of(ports, "toset")
    if call is not None:
        args = call.args
        ports = args[0] if len(args) == 1 and not call.expand else None
    if not isinstance(ports, Tuple):
        return None
    items = ports.items
    if not items or not all(isinstance(i, Literal) and type(i.value) is int for i in items):
        return None
    return edit(for_each.file, items[-1].end, items[-1].end, f", {port}")


def _fresh_rule(
    module: Module, lb: Block, groups: list[str], port: int, word: str
) -> tuple[list[TextEdit], str]:
    """No rule to copy: open the port to the internet on an internet-facing load balancer."""
    if lb.value("internal", False) is not False:
        return [], ""
    group = module.find(groups[0])
    sources = ["0.0.0.0/0"]
    if lb.value("ip_address_type", "ipv4") == "dualstack":
        sources.append("::/0")
    description = f"{word.upper() if not word.isdigit() else 'Port ' + word} from the internet"
    if group.nested("ingress") or group.nested("egress"):
        block = HclBlock(
            "ingress",
            [
                ("description", hcl_string(description)),
                ("from_port", str(port)),
                ("to_port", str(port)),
                ("protocol", hcl_string("tcp")),
                ("cidr_blocks", hcl_list([hcl_string("0.0.0.0/0")])),
                *([("ipv6_cidr_blocks", hcl_list([hcl_string("::/0")]))] if len(sources) > 1 else []),
            ],
        )
        return [insert_nested_block(group, block)], f"Add an ingress block for port {port} to {group.address}"
    uses_sg_rule = any(
        r.resource_type == SG_RULE and refers_to(module, r.get("security_group_id"), group.address)
        for r in module.resources(SG_RULE)
        if r.get("security_group_id") is not None
    )
    texts, names = [], []
    for cidr in sources:
        suffix = "" if cidr == "0.0.0.0/0" else "_ipv6"
        resource_type = SG_RULE if uses_sg_rule else VPC_INGRESS
        name = free_name(module, resource_type, f"{group.name}_{word}{suffix}")
        if uses_sg_rule:
            family = "cidr_blocks" if cidr == "0.0.0.0/0" else "ipv6_cidr_blocks"
            items = [
                ("type", hcl_string("ingress")),
                ("security_group_id", f"{group.address}.id"),
                ("description", hcl_string(description)),
                ("protocol", hcl_string("tcp")),
                ("from_port", str(port)),
                ("to_port", str(port)),
                (family, hcl_list([hcl_string(cidr)])),
            ]
        else:
            family = "cidr_ipv4" if cidr == "0.0.0.0/0" else "cidr_ipv6"
            items = [
                ("security_group_id", f"{group.address}.id"),
                ("description", hcl_string(description)),
                (family, hcl_string(cidr)),
                ("ip_protocol", hcl_string("tcp")),
                ("from_port", str(port)),
                ("to_port", str(port)),
            ]
        texts.append(HclBlock(f'resource "{resource_type}" "{name}"', items).render())
        names.append(f"{resource_type}.{name}")
    return [
        insert_after(group, "\n\n".join(texts))
    ], f"Admit port {port} from the internet: add {', '.join(names)}"
