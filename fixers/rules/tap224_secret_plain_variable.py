"""TAP224: a secret held in a variable that is not marked sensitive.

A variable holds a secret when its value flows (directly, through locals, or as a branch of a
conditional) into a resource argument the AWS provider schema marks sensitive: a password, an auth
token, a private key (sensitive_arguments.json). A name is no evidence: `..._rotation_duration`,
`..._schedule_expression` and `auth_token_update_strategy` are not secrets, and a variable that only
decides whether a password is set (`local.is_replica ? null : var.password`) holds none.

One problem, two fixes, so two findings with their own keys:
- on the variable (safe): `sensitive = true`, which keeps the value out of plan output;
- on each `aws_db_instance` / `aws_rds_cluster` whose master password comes from such a variable
  (unsafe): `manage_master_user_password = true` instead of the password, so no password
  passes through Terraform at all. It is reported only while the variable is plain: once the
  variable is sensitive, the database finding goes away with it. A database that already sets
  `manage_master_user_password` (a module offering both ways) gets no such finding.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

from fixers.config import RuleOptions
from fixers.edits import alignment_chains, edit, remove_attribute, replace_value, set_attribute
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Access, BinaryOp, Call, Conditional, Expr, Reference, Template
from fixers.semantic.references import mentions_in

RULE = Rule(
    id="TAP224",
    name="secret-in-plain-variable",
    severity=Severity.MEDIUM,
    why="A secret in a plain variable is printed in plan output and CI logs.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),
    fix_availability=FixAvailability.SOMETIMES,
)

DB_PASSWORDS = {"aws_db_instance": "password", "aws_rds_cluster": "master_password"}


def plain(variable: Block) -> bool:
    """Not sensitive, and not ephemeral (ephemeral values never reach plan or state)."""
    return variable.value("sensitive", False) is False and variable.value("ephemeral", False) is False


@functools.cache
def sensitive_arguments() -> dict[str, tuple[str, ...]]:
    """Resource type -> the arguments hashicorp/aws marks sensitive (nested: `block.argument`)."""
    data = json.loads(Path(__file__).with_name("sensitive_arguments.json").read_text(encoding="utf-8"))
    return {t: tuple(args) for t, args in data["resources"].items()}


def _sensitive_attributes(block: Block) -> Iterator[Attribute]:
    for path in sensitive_arguments().get(block.resource_type or "", ()):
        *nesting, name = path.split(".")
        holders = [block]
        for step in nesting:
            holders = [n for h in holders for n in h.nested(step)]
        for holder in holders:
            attr = holder.get(name)
            if attr is not None:
                yield attr


# Calls whose result carries none of their argument's value: a length, a test.
_NO_VALUE_CALLS = {"length", "can", "contains", "startswith", "endswith", "type", "keys"}


def _value_parts(expr: Expr) -> Iterator[Expr]:
    """The parts of `expr` whose value can become its value: both branches of a conditional but not
    its condition, no comparison or logic operator, no length()."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Conditional):
            stack.extend((node.if_true, node.if_false))
            continue
        if isinstance(node, BinaryOp) or (isinstance(node, Call) and node.name in _NO_VALUE_CALLS):
            continue
        if isinstance(node, (Reference, Access)):
            yield node
            continue
        if isinstance(node, Template) and node.heredoc:
            # A heredoc is read as one piece of text here: its interpolations are not followed.
            continue
        stack.extend(node.children())


def value_variables(module: Module, attr: Attribute, depth: int = 0) -> list[str]:
    """The variables whose whole value can become `attr`'s value, directly or through locals. A
    field of a configuration object (`var.default_user.passwords`) is left out: `sensitive` marks a
    whole variable, which would hide the rest of the configuration and break its for_each uses."""
    names: list[str] = []
    for part in _value_parts(attr.expression):
        for address, rest in mentions_in(part):
            target = address.node
            if address.kind == "var" and address.key is None and not rest:
                names.append(target[4:])
            elif address.kind == "local" and depth < 8:
                local = module.locals.get(target[6:])
                if local is not None:
                    names += value_variables(module, local, depth + 1)
    return list(dict.fromkeys(names))


def _feeds(module: Module, attr: Attribute, variable: str) -> bool:
    """Does `attr` mention `var.<variable>`, directly or through locals?"""
    return f"var.{variable}" in module.reference_graph().reach(attr)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    variables = module.variables
    feeds: dict[str, list[tuple[Block, Attribute]]] = {}
    for resource in module.resources(*sensitive_arguments()):
        for attr in _sensitive_attributes(resource):
            for name in value_variables(module, attr):
                if name in variables and plain(variables[name]):
                    feeds.setdefault(name, []).append((resource, attr))
    for name, variable in variables.items():
        users = feeds.get(name, [])
        if not users:
            continue
        yield _variable_finding(module, variable, users)
        for resource, attr in users:
            # A database that already has manage_master_user_password (set, or chosen by an input)
            # offers the managed password: nothing to switch over.
            if (
                DB_PASSWORDS.get(resource.resource_type or "") == attr.name
                and attr.block is resource
                and not resource.has("manage_master_user_password")
            ):
                yield _database_finding(variable, resource, attr)


def _variable_finding(module: Module, variable: Block, users: list[tuple[Block, Attribute]]) -> Finding:
    fed = ", ".join(f"{db.address}.{_path(db, attr)}" for db, attr in users)
    what = f" (it sets {fed})" if fed else ""
    blocked = _for_each_users(module, variable)
    message = (
        f"{variable.address}{what} is not marked sensitive: Terraform prints its value in plan "
        "output and CI logs (state still holds it either way)"
    )
    if blocked:
        message += (
            f"; {blocked[0]} uses it in for_each, where Terraform refuses sensitive values, so no"
            " fix is offered"
        )
        return RULE.finding(variable, message)
    edits = _mark_sensitive(variable)
    outputs = _exposing_outputs(module, variable)
    for output in outputs:
        edits += _mark_sensitive(output)
    described = f"Mark {variable.address} sensitive"
    if outputs:
        verb = "exposes" if len(outputs) == 1 else "expose"
        described += " (and " + ", ".join(o.address for o in outputs) + f", which {verb} it)"
    return RULE.finding(variable, message, fix=Fix.safe(described, *edits))


def _path(resource: Block, attr: Attribute) -> str:
    """`password`, or `master_user_options.master_user_password` for a nested argument."""
    steps = [attr.name]
    holder = attr.block
    while holder is not None and holder is not resource:
        steps.insert(0, holder.type)
        holder = holder.parent
    return ".".join(steps)


def _database_finding(variable: Block, db: Block, attr: Attribute) -> Finding:
    return RULE.finding(
        attr,
        f"{db.address} takes its master password from {variable.address}, which is not "
        f"sensitive ({variable.path}:{variable.line}). RDS can generate and rotate the password "
        "in Secrets Manager instead (manage_master_user_password = true): the fix removes "
        f"`{attr.name}`, the current password stops working at the next apply, and applications "
        "must read master_user_secret[0].secret_arn",
        key="manage_master_user_password",
        fix=Fix.unsafe(
            f"Let RDS manage the master password of {db.address} in Secrets Manager",
            *_managed_password(db, attr),
        ),
    )


def _mark_sensitive(block: Block) -> list[TextEdit]:
    existing = block.get("sensitive")
    if existing is not None:
        return [replace_value(existing, "true")]
    return set_attribute(block, "sensitive", "true")


def _exposing_outputs(module: Module, variable: Block) -> list[Block]:
    """Outputs that would become an error ("Output refers to sensitive values") once the
    variable is sensitive."""
    outputs = []
    for output in module.of_type("output"):
        value = output.get("value")
        if value is None or output.value("sensitive", False) is True:
            continue
        if _feeds(module, value, variable.labels[0]):
            outputs.append(output)
    return outputs


def _for_each_users(module: Module, variable: Block) -> list[str]:
    users = []
    for block in module.blocks:
        for inner in block.walk():
            attr = inner.get("for_each")
            if attr is not None and _feeds(module, attr, variable.labels[0]):
                users.append(block.address)
    return users


def _managed_password(db: Block, attr: Attribute) -> list[TextEdit]:
    """Remove the password and add `manage_master_user_password = true` as its own paragraph
    after the run of one-line arguments the password stood in (replacing it in place would
    realign every line of that run)."""
    line = f"{db.body_indent}manage_master_user_password = true"
    run = next((chain for chain in alignment_chains(db) if attr in chain), [attr])
    rest = [a for a in run if a is not attr]
    if not rest:
        file = attr.file
        return [edit(file, attr.start, attr.value_end, line.lstrip())]
    at = db.file.line_end(rest[-1].end_line)
    return [*remove_attribute(attr), edit(db.file, at, at, "\n\n" + line)]
