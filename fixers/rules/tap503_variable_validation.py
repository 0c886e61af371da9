"""TAP503: a variable holding a CIDR, an instance type or an enumeration, without validation.

A variable is recognised by evidence the module itself gives, never by guessing from a name
alone when the type disagrees:
- a CIDR: its name ends in `cidr`/`cidrs`/`cidr_block(s)`/..., it is used as the value of a
  `*cidr*` argument or as the prefix of `cidrsubnet`/`cidrhost`/`cidrnetmask`, or its default is
  a CIDR block (or a list or map of them);
- an instance type: its name ends in `instance_type`/`instance_class`/`node_type`, or it is the
  value of such an argument; the family (EC2, RDS `db.`, ElastiCache `cache.`) follows from the
  argument, the name or the default;
- an enumeration: it is the value of an argument the provider accepts a fixed set of values for
  (ENUM_ARGUMENTS), or the key looked up in a map the module defines (`local.sizes[var.env]`,
  `lookup(local.sizes, var.env)`): any other value fails at plan with an invalid-key error.
A comparison such as `var.env == "prod"` is not evidence: the set it implies is incomplete.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from lark import Tree

from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit
from fixers.evaluate import UNKNOWN, evaluate, is_known
from fixers.findings import Applicability, Finding, Fix, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module
from fixers.rules._module_level import call_args, unwrap
from fixers.variables import (
    cidr_validation,
    enum_validation,
    instance_type_validation,
)

RULE = Rule(
    id="TAP503",
    name="variable-validation-missing",
    severity=Severity.LOW,
    why="A bad CIDR, instance type or enumeration value should fail at plan, naming the variable.",
    fix=Applicability.SAFE,
    default=False,  # precision on public code: see its docs page
)

_CIDR_NAME = re.compile(r"(?:^|_)(?:cidrs?|cidr_blocks?|cidr_ranges?|cidr_ipv[46]|ipv[46]_cidrs?)$")
_INSTANCE_NAME = re.compile(r"(?:^|_)(?:instance_type|instance_class|node_type)$")
_EC2_TYPE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9]+")
_INSTANCE_ARGUMENTS = {
    "instance_type": "ec2",
    "instance_class": "rds",
    "db_cluster_instance_class": "rds",
    "node_type": "elasticache",
}

# Arguments whose values the provider (or AWS) restricts to a fixed set.
ENUM_ARGUMENTS: dict[tuple[str, str], tuple[str | int, ...]] = {
    ("aws_db_instance", "storage_type"): ("standard", "gp2", "gp3", "io1", "io2"),
    ("aws_ebs_volume", "type"): ("standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"),
    ("aws_flow_log", "traffic_type"): ("ACCEPT", "REJECT", "ALL"),
    ("aws_lb", "load_balancer_type"): ("application", "network", "gateway"),
    ("aws_dynamodb_table", "billing_mode"): ("PROVISIONED", "PAY_PER_REQUEST"),
    ("aws_lb_target_group", "target_type"): ("instance", "ip", "lambda", "alb"),
    ("aws_cloudwatch_log_group", "retention_in_days"): (
        0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
        1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ),
}  # fmt: skip


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    found = {name: classify(module, name, variable) for name, variable in module.variables.items()}
    validated: dict[str, str] = {}  # kind -> the first variable of that kind with a validation
    for name, variable in module.variables.items():
        kind = found[name] and found[name][0]
        if kind and _validated(variable):
            validated.setdefault(kind, name)
    for name, variable in module.variables.items():
        if found[name] is None or _validated(variable):
            continue
        kind, what, evidence, validation = found[name]
        if kind not in validated:
            continue  # the module validates no variable of this kind: its convention is not to
        yield RULE.finding(
            variable,
            f"{variable.address} holds {what} ({evidence}) but has no validation, unlike "
            f"var.{validated[kind]} (the module validates its {_KIND_NAMES[kind]}): a bad value passes "
            "the module's checks and fails later, in an error that does not name the variable",
            fix=Fix.safe(f"Validate {variable.address} as {what}", append_validation(variable, validation)),
        )


_KIND_NAMES = {"cidr": "CIDR variables", "instance": "instance-type variables", "enum": "enumerations"}


def _validated(variable: Block) -> bool:
    return bool(variable.nested("validation") or variable.dynamic("validation"))


def append_validation(variable: Block, validation: HclBlock) -> TextEdit:
    """The validation block at the end of the variable, after a blank line."""
    file = variable.file
    rendered = validation.render(variable.body_indent)
    open_line, close_line = file.line_col(variable.body_start)[0], file.line_col(variable.body_end)[0]
    if open_line == close_line:
        inner = file.text[variable.body_start : variable.body_end].strip()
        body = (f"\n{variable.body_indent}{inner}\n" if inner else "\n") + rendered + "\n"
        if inner:
            body = f"\n{variable.body_indent}{inner}\n\n{rendered}\n"
        return edit(file, variable.body_start, variable.body_end, body + variable.indent)
    at = file.line_start(close_line)
    return edit(file, at, at, ("\n" if variable.items() else "") + rendered + "\n")


# --- what a variable holds ----------------------------------------------------------------------


def _shape(variable: Block, default: Any) -> str | None:
    """ "string", "list" or "map" from the declared type, else from the default; None otherwise."""
    type_attr = variable.get("type")
    if type_attr is not None:
        declared = "".join(type_attr.source.split())
        return {"string": "string", "list(string)": "list", "set(string)": "list", "map(string)": "map"}.get(
            declared
        )
    if isinstance(default, str):
        return "string"
    if isinstance(default, list) and default and all(isinstance(v, str) for v in default):
        return "list"
    if isinstance(default, dict) and default and all(isinstance(v, str) for v in default.values()):
        return "map"
    return None


def _is_cidr(value: Any) -> bool:
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _values(default: Any, shape: str) -> list[Any]:
    if shape == "list":
        return list(default)
    if shape == "map":
        return list(default.values())
    return [default]


def classify(module: Module, name: str, variable: Block) -> tuple[str, str, str, HclBlock] | None:
    """(kind, what it holds, the evidence, the validation to add), or None when the module gives no
    evidence that the variable holds a CIDR, an instance type or an enumeration."""
    default_attr = variable.get("default")
    default = evaluate(module, default_attr.expr) if default_attr is not None else None
    if default_attr is not None and not is_known(default):
        return None
    nullable = default_attr is not None and default is None
    shape = _shape(variable, default)
    uses = list(_uses(module, name))
    for kind, found in (
        ("cidr", _cidr(name, shape, default, nullable, uses)),
        ("instance", _instance_type(name, shape, default, nullable, uses)),
        ("enum", _enumeration(module, name, variable, shape, default, nullable)),
    ):
        if found is not None:
            return (kind, *found)
    return None


def _cidr(name, shape, default, nullable, uses) -> tuple[str, str, HclBlock] | None:
    if shape is None:
        return None
    # A name is no evidence (`ipv6_cidr_block_network_border_group` holds a zone group): the value
    # must go where a CIDR goes, or be one.
    reasons = []
    used = [f"{arg} of {where}" for arg, where, _ in uses if arg == "cidr prefix" or _CIDR_NAME.search(arg)]
    if used:
        reasons.append("used as " + used[0])
    if default is not None:
        values = _values(default, shape)
        if not all(_is_cidr(v) for v in values):
            return None  # a default the validation would reject: not ours to judge
        if values:
            reasons.append(f"default {_shown(default)}")
    if not reasons:
        return None
    what = {"string": "a CIDR block", "list": "a list of CIDR blocks", "map": "a map of CIDR blocks"}[shape]
    return what, ", ".join(reasons), cidr_validation(name, shape, nullable=nullable)


def _family(instance_type: str) -> str:
    if instance_type.startswith("db."):
        return "rds"
    return "elasticache" if instance_type.startswith("cache.") else "ec2"


def _instance_type(name, shape, default, nullable, uses) -> tuple[str, str, HclBlock] | None:
    if shape != "string":
        return None
    used = [(arg, where) for arg, where, _ in uses if arg in _INSTANCE_ARGUMENTS]
    if not used and not (isinstance(default, str) and _INSTANCE_NAME.search(name)):
        return None  # a name alone is no evidence
    kinds = {_INSTANCE_ARGUMENTS[arg] for arg, _ in used}
    if isinstance(default, str):
        if kinds and kinds != {_family(default)}:
            return None  # the default contradicts where the value goes
        kinds = {_family(default)}
    elif not kinds:
        kinds = {
            "rds"
            if name.endswith("instance_class")
            else "elasticache"
            if name.endswith("node_type")
            else "ec2"
        }
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind == "ec2" and isinstance(default, str) and not _EC2_TYPE.fullmatch(default):
        return None
    what = {"rds": "an RDS instance class", "elasticache": "an ElastiCache node type"}.get(
        kind, "an EC2 instance type"
    )
    evidence = f"used as {used[0][0]} of {used[0][1]}" if used else "its name"
    if isinstance(default, str):
        evidence += f", default {_shown(default)}"
    return what, evidence, instance_type_validation(name, kind, nullable=nullable)


def _enumeration(module, name, variable, shape, default, nullable) -> tuple[str, str, HclBlock] | None:
    declared = "".join(variable.get("type").source.split()) if variable.has("type") else None
    for allowed, evidence in _enumerations(module, name):
        numeric = all(isinstance(v, int) for v in allowed)
        if declared not in (None, "number" if numeric else "string"):
            continue
        if default is not None and default not in allowed:
            continue
        shown = ", ".join(str(v) for v in allowed)
        if len(allowed) > 6:
            shown = f"{', '.join(str(v) for v in allowed[:3])}, ..., {allowed[-1]} ({len(allowed)} values)"
        return f"one of {shown}", evidence, enum_validation(name, list(allowed), nullable=nullable)
    return None


def _shown(value: Any) -> str:
    import json

    return json.dumps(value)


# --- where a variable is used ------------------------------------------------------------------


def _is_var(node: Any, name: str) -> bool:
    node = unwrap(node)
    if not (isinstance(node, Tree) and node.data == "get_attr_expr_term"):
        return False
    base = unwrap(node.children[0])
    step = node.children[1]
    return (
        isinstance(base, Tree)
        and base.data == "identifier"
        and str(base.children[0]) == "var"
        and str(step.children[-1].children[0]) == name
    )


def _uses(module: Module, name: str) -> Iterator[tuple[str, str, Any]]:
    """(argument, resource address, attribute) where `var.<name>` is the whole value, or an
    element of a list value, or the prefix passed to a cidr function."""
    for ref in module.references_to(f"var.{name}"):
        attr = ref.attribute
        block = attr.block
        if block is None or ref.source.type not in ("resource", "data"):
            continue
        node = unwrap(attr.expr)
        items = (
            [c for c in node.children if isinstance(c, Tree)] if getattr(node, "data", "") == "tuple" else []
        )
        if _is_var(node, name) or any(_is_var(i, name) for i in items):
            yield attr.name, ref.source.address, attr
        for args in _calls(attr.expr, ("cidrsubnet", "cidrhost", "cidrnetmask", "cidrsubnets")):
            if args and _is_var(args[0], name):
                yield "cidr prefix", ref.source.address, attr


def _calls(expr: Any, names: tuple[str, ...]) -> Iterator[list[Any]]:
    stack = [expr]
    while stack:
        node = stack.pop()
        if not isinstance(node, Tree):
            continue
        args = call_args(node, *names)
        if args is not None and unwrap(node) is node:
            yield args
        stack.extend(node.children)


def _enumerations(module: Module, name: str) -> Iterator[tuple[tuple[Any, ...], str]]:
    for ref in module.references_to(f"var.{name}"):
        attr = ref.attribute
        block = attr.block
        if block is not None and block.parent is None and ref.source.type == "resource":
            allowed = ENUM_ARGUMENTS.get((ref.source.resource_type, attr.name))
            if allowed is not None and _is_var(attr.expr, name):
                yield allowed, f"used as {attr.name} of {ref.source.address}"
        for keys, where in _lookups(module, attr.expr, name):
            yield keys, f"the key looked up in {where}"


def _lookups(module: Module, expr: Any, name: str, guarded: bool = False) -> Iterator[tuple[tuple, str]]:
    """Map lookups keyed by `var.<name>` that fail for any other key (not inside try/can)."""
    if not isinstance(expr, Tree):
        return
    if expr.data == "function_call":
        if call_args(expr, "try", "can") is not None:
            guarded = True
        args = call_args(expr, "lookup")
        if args is not None and len(args) == 2 and _is_var(args[1], name) and not guarded:
            found = _map_keys(module, args[0])
            if found is not None:
                yield found
    if expr.data == "index_expr_term" and not guarded:
        index = expr.children[1]
        inner = [c for c in index.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        if index.data != "short_index" and len(inner) == 1 and _is_var(inner[0], name):
            found = _map_keys(module, expr.children[0])
            if found is not None:
                yield found
    for child in expr.children:
        yield from _lookups(module, child, name, guarded)


def _map_keys(module: Module, node: Any) -> tuple[tuple, str] | None:
    base = unwrap(node)
    if not (isinstance(base, Tree) and base.data == "get_attr_expr_term"):
        return None
    value = evaluate(module, base)
    if value is UNKNOWN or not isinstance(value, dict) or not value:
        return None
    root = unwrap(base.children[0])
    step = base.children[1]
    if not (
        isinstance(root, Tree) and root.data == "identifier" and str(root.children[0]) in ("local", "var")
    ):
        return None
    where = f"{root.children[0]}.{step.children[-1].children[0]}"
    return tuple(sorted(value)), where
