"""TAP224: a secret held in a variable that is not marked sensitive.

One problem, two fixes, so two findings with their own keys:
- on the variable (safe): `sensitive = true`, which keeps the value out of plan output;
- on each `aws_db_instance` / `aws_rds_cluster` whose master password comes from such a variable
  (unsafe): `manage_master_user_password = true` instead of the password, so no password
  passes through Terraform at all. It is reported only while the variable is plain: once the
  variable is sensitive, the database finding goes away with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixers.config import RuleOptions
from fixers.edits import alignment_chains, edit, remove_attribute, replace_value, set_attribute
from fixers.evaluate import traversals
from fixers.findings import Applicability, Finding, Fix, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module, _address_of

RULE = Rule(
    id="TAP224",
    name="secret-in-plain-variable",
    severity=Severity.MEDIUM,
    why="A secret in a plain variable is printed in plan output and CI logs.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),
)

SECRET_WORDS = re.compile(r"password|passwd|secret|token|api_?key|private_?key", re.IGNORECASE)
# A last word that says the variable holds something about a secret, not the secret itself:
# `db_password_secret_arn`, `token_ttl`, `private_key_path`.
METADATA_WORDS = {
    "arn", "arns", "id", "ids", "name", "names", "path", "paths", "file", "filename", "url", "uri",
    "length", "ttl", "version", "versions", "prefix", "suffix", "enabled", "enable", "rotation",
    "days", "count", "type", "kms", "policy", "parameter", "param", "ssm", "header", "expiry",
    "expiration", "timeout", "seconds", "minutes", "hours", "size", "bucket", "role", "user",
    "username", "location", "store", "vault", "endpoint", "algorithm", "format", "mode",
}  # fmt: skip
DB_PASSWORDS = {"aws_db_instance": "password", "aws_rds_cluster": "master_password"}


def secret_name(name: str) -> bool:
    if not SECRET_WORDS.search(name):
        return False
    last = re.split(r"[_\-]", name.lower())[-1]
    return last not in METADATA_WORDS


def plain(variable: Block) -> bool:
    """Not sensitive, and not ephemeral (ephemeral values never reach plan or state)."""
    return variable.value("sensitive", False) is False and variable.value("ephemeral", False) is False


def holds_text(variable: Block) -> bool:
    """Typed `string`, or untyped with no default or a string default."""
    type_attr = variable.get("type")
    if type_attr is not None:
        return type_attr.source.strip() == "string"
    default = variable.get("default")
    return default is None or isinstance(default.value(), str) or default.source.strip() == "null"


def fed_variables(module: Module, attr: Attribute, depth: int = 0) -> list[str]:
    """The variables `attr` takes its value from, directly or through locals."""
    names: list[str] = []
    for parts in traversals(attr.expr):
        target, _, _ = _address_of(parts)
        if target and target.startswith("var."):
            names.append(target[4:])
        elif target and target.startswith("local.") and depth < 8:
            local = module.locals.get(target[6:])
            if local is not None:
                names += fed_variables(module, local, depth + 1)
    return list(dict.fromkeys(names))


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    variables = module.variables
    feeds: dict[str, list[tuple[Block, Attribute]]] = {}
    for db in module.resources(*DB_PASSWORDS):
        attr = db.get(DB_PASSWORDS[db.resource_type])
        if attr is None or db.value("manage_master_user_password", False) is True:
            continue
        for name in fed_variables(module, attr):
            if name in variables and plain(variables[name]):
                feeds.setdefault(name, []).append((db, attr))
    for name, variable in variables.items():
        if not plain(variable):
            continue
        users = feeds.get(name, [])
        if not users and not (secret_name(name) and holds_text(variable)):
            continue
        yield _variable_finding(module, variable, users)
        for db, attr in users:
            yield _database_finding(variable, db, attr)


def _variable_finding(module: Module, variable: Block, users: list[tuple[Block, Attribute]]) -> Finding:
    fed = ", ".join(f"{db.address}.{attr.name}" for db, attr in users)
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
        if variable.labels[0] in fed_variables(module, value):
            outputs.append(output)
    return outputs


def _for_each_users(module: Module, variable: Block) -> list[str]:
    users = []
    for block in module.blocks:
        for inner in block.walk():
            attr = inner.get("for_each")
            if attr is not None and variable.labels[0] in fed_variables(module, attr):
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
