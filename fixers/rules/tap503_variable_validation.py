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

from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit
from fixers.evaluate import UNKNOWN, evaluate, is_known
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module
from fixers.semantic.expressions import Access, Call, Expr, Reference, Template, Tuple
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
    fix_availability=FixAvailability.ALWAYS,
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
    default = evaluate(module, default_attr.expression) if default_attr is not None else None
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


def _is_var(expr: Expr, name: str) -> bool:
    return isinstance(expr, Reference) and expr.parts == ("var", name)


def _uses(module: Module, name: str) -> Iterator[tuple[str, str, Any]]:
    """(argument, resource address, attribute) where `var.<name>` is the whole value, or an
    element of a list value, or the prefix passed to a cidr function."""
    for ref in module.references_to(f"var.{name}"):
        attr = ref.attribute
        block = attr.block
        if block is None or ref.source.type not in ("resource", "data"):
            continue
        expr = attr.expression
        items = expr.items if isinstance(expr, Tuple) else []
        if _is_var(expr, name) or any(_is_var(i, name) for i in items):
            yield attr.name, ref.source.address, attr
        for call in _calls(expr, ("cidrsubnet", "cidrhost", "cidrnetmask", "cidrsubnets")):
            args = call.args
            if args and _is_var(args[0], name):
                yield "cidr prefix", ref.source.address, attr


def _outside_heredocs(expr: Expr) -> Iterator[Expr]:
    """`expr` and the expressions inside it, depth first, leaving out what heredocs interpolate:
    a heredoc is a document (user data, a script) read as text, not a use of the variable."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Template) and node.heredoc:
            continue
        yield node
        stack.extend(reversed(node.children()))


def _calls(expr: Expr, names: tuple[str, ...]) -> Iterator[Call]:
    for node in _outside_heredocs(expr):
        if isinstance(node, Call) and node.name in names:
            yield node


def _enumerations(module: Module, name: str) -> Iterator[tuple[tuple[Any, ...], str]]:
    for ref in module.references_to(f"var.{name}"):
        attr = ref.attribute
        block = attr.block
        expr = attr.expression
        if block is not None and block.parent is None and ref.source.type == "resource":
            allowed = ENUM_ARGUMENTS.get((ref.source.resource_type, attr.name))
            if allowed is not None and _is_var(expr, name):
                yield allowed, f"used as {attr.name} of {ref.source.address}"
        for keys, where in _lookups(module, expr, name):
            yield keys, f"the key looked up in {where}"


def _lookups(module: Module, expr: Expr, name: str, guarded: bool = False) -> Iterator[tuple[tuple, str]]:
    """Map lookups keyed by `var.<name>` that fail for any other key (not inside try/can)."""
    if isinstance(expr, Template) and expr.heredoc:
        return
    if isinstance(expr, Call):
        if expr.name in ("try", "can"):
            guarded = True
        args = expr.args if expr.name == "lookup" else []
        if len(args) == 2 and _is_var(args[1], name) and not guarded:
            found = _map_keys(module, args[0])
            if found is not None:
                yield found
    if isinstance(expr, Reference) and not guarded:
        # Each `[...]` step of a name chain: `local.sizes[var.env].cpu` looks up `var.env`.
        step: Reference | None = expr
        while step is not None:
            key = step.key
            if isinstance(key, Expr) and _is_var(key, name):
                found = _map_keys(module, step.base)
                if found is not None:
                    yield found
            step = step.base
    if isinstance(expr, Access) and not guarded and isinstance(expr.key, Expr) and _is_var(expr.key, name):
        found = _map_keys(module, expr.base)  # `(local.sizes)[var.env]`
        if found is not None:
            yield found
    for child in expr.children():
        yield from _lookups(module, child, name, guarded)


def _map_keys(module: Module, expr: Expr) -> tuple[tuple, str] | None:
    parts = expr.parts if isinstance(expr, Reference) else ()
    if not (len(parts) == 2 and parts[0] in ("local", "var") and isinstance(parts[1], str)):
        return None
    value = evaluate(module, expr)
    if value is UNKNOWN or not isinstance(value, dict) or not value:
        return None
    return tuple(sorted(value)), f"{parts[0]}.{parts[1]}"
