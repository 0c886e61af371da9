"""TAP223: a MySQL, MariaDB or PostgreSQL parameter group without slow-query logging or
enforced TLS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, hcl_string
from fixers.evaluate import UNKNOWN, is_known
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.rules._data_stores import via
from fixers.semantic.expressions import Object, ObjectItem

RULE = Rule(
    id="TAP223",
    name="rds-parameter-group-minimal",
    severity=Severity.LOW,
    why="Slow queries leave no trace without the slow log, and clients may connect without TLS.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),
    fix_availability=FixAvailability.ALWAYS,
)


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    # How the parameter takes effect on RDS ("dynamic" needs no reboot). Shipped with the rule
    # because `describe-engine-default-parameters` needs AWS credentials; see the sources below.
    dynamic: bool


# Sources for the apply types:
# - MySQL: slow_query_log, long_query_time, log_output and require_secure_transport are
#   dynamic system variables; RDS applies them without a reboot
#   (aws:AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl for
#   require_secure_transport; USER_LogAccess.MySQL.LogFileSize for the slow log).
# - MariaDB: the same variables are dynamic in MariaDB Server (mariadb.com/kb server system
#   variables); that RDS for MariaDB lists them as dynamic is UNVERIFIED.
# - PostgreSQL: log_min_duration_statement has context "superuser" (a reload, no restart),
#   which RDS lists as dynamic. rds.force_ssl is only added for PostgreSQL 14 and older; its
#   apply type there is UNVERIFIED, so the fix uses pending-reboot, which AWS accepts for
#   dynamic parameters too (ModifyDBParameterGroup, Parameter.ApplyMethod).
SLOW_LOG_MYSQL = (
    Parameter("slow_query_log", "1", dynamic=True),
    Parameter("long_query_time", "2", dynamic=True),
    Parameter("log_output", "FILE", dynamic=True),
)
TLS_MYSQL = Parameter("require_secure_transport", "1", dynamic=True)
SLOW_LOG_POSTGRES = (Parameter("log_min_duration_statement", "2000", dynamic=True),)
TLS_POSTGRES = Parameter("rds.force_ssl", "1", dynamic=False)


@dataclass(frozen=True)
class Wanted:
    slow_log: tuple[Parameter, ...]
    tls: Parameter | None  # None where TLS is already enforced by default, or cannot be


def wanted(family: str) -> Wanted | None:
    match = re.fullmatch(r"(mysql|mariadb|postgres)(\d+)(?:\.(\d+))?", family)
    if match is None:
        return None
    engine, major, minor = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    version = (major, minor)
    if engine == "postgres":
        # rds.force_ssl defaults to 1 from PostgreSQL 15 (aws:AmazonRDS/latest/UserGuide/
        # PostgreSQL.Concepts.General.SSL).
        return Wanted(SLOW_LOG_POSTGRES, TLS_POSTGRES if major < 15 else None)
    if engine == "mysql":
        # require_secure_transport defaults to ON from RDS for MySQL 8.4.
        return Wanted(SLOW_LOG_MYSQL, TLS_MYSQL if version < (8, 4) else None)
    # MariaDB has require_secure_transport from 10.5; 11.8 is reported to default it to ON
    # (UNVERIFIED), so it is left alone there.
    return Wanted(SLOW_LOG_MYSQL, TLS_MYSQL if (10, 5) <= version < (11, 8) else None)


# --- which parameters the group sets ------------------------------------------------------------


@dataclass
class Dynamic:
    """A `dynamic "parameter"` block and the names it generates."""

    block: Block
    iterator: str
    items: list[tuple[Any, Any]]


def _dynamic_items(block: Block) -> Dynamic | None:
    for_each = block.get("for_each")
    if for_each is None:
        return None
    collection = for_each.value()
    iterator = block.get("iterator")
    name = iterator.source.strip() if iterator is not None else "parameter"
    if isinstance(collection, dict) and is_known(list(collection)):
        return Dynamic(block, name, list(collection.items()))
    if isinstance(collection, list):
        return Dynamic(block, name, list(enumerate(collection)))
    return None


def set_names(group: Block) -> tuple[set[str], list[Dynamic]] | None:
    """The parameter names the group sets (lower-case), or None when one cannot be known."""
    names: set[str] = set()
    for parameter in group.nested("parameter"):
        name = parameter.value("name", UNKNOWN)
        if not isinstance(name, str):
            return None
        names.add(name.lower())
    dynamics = []
    for block in group.dynamic("parameter"):
        dynamic = _dynamic_items(block)
        content = block.nested("content")
        name_attr = content[0].get("name") if content else None
        if dynamic is None or name_attr is None:
            return None
        for key, value in dynamic.items:
            name = name_attr.value({dynamic.iterator: {"key": key, "value": value}})
            if not isinstance(name, str):
                return None
            names.add(name.lower())
        dynamics.append(dynamic)
    return names, dynamics


def missing(want: Wanted, names: set[str]) -> list[Parameter]:
    out: list[Parameter] = []
    if want.slow_log[0].name not in names:
        # With the switch set, the rest of the slow-log settings are the owner's choice.
        out += [p for p in want.slow_log if p.name not in names]
    if want.tls is not None and want.tls.name not in names:
        out.append(want.tls)
    return out


# --- the rule ---------------------------------------------------------------------------------


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for group in module.resources("aws_db_parameter_group"):
        family_attr = group.get("family")
        family = family_attr.value() if family_attr is not None else UNKNOWN
        want = wanted(family) if isinstance(family, str) else None
        found = set_names(group) if want is not None else None
        if want is None or found is None:
            continue
        names, dynamics = found
        absent = missing(want, names)
        if not absent:
            continue
        yield RULE.finding(
            group,
            _message(module, group, family, family_attr, want, absent),
            fix=_fix(module, group, dynamics, absent),
        )


def _message(
    module: Module, group: Block, family: str, family_attr: Attribute, want: Wanted, absent: list[Parameter]
) -> str:
    listed = ", ".join(p.name for p in absent)
    message = f"{group.address} has family {family}{via(module, family_attr)} and sets no {listed}"
    effects = []
    if any(p in want.slow_log for p in absent):
        effects.append("slow queries leave no trace in the logs")
    if want.tls in absent:
        effects.append("clients may connect without TLS")
    message += ": " + " and ".join(effects)
    if want.tls in absent:
        error = " (MySQL error 3159)" if family.startswith("mysql") else ""
        message += (
            f". The fix's {want.tls.name} = {want.tls.value} refuses every client that connects "
            f"without TLS{error}: check all drivers and connection strings first"
        )
    return message


# --- the fix ----------------------------------------------------------------------------------


def _fix(module: Module, group: Block, dynamics: list[Dynamic], absent: list[Parameter]) -> Fix | None:
    tls = [p for p in absent if p.name in (TLS_MYSQL.name, TLS_POSTGRES.name)]
    edits = _into_map(module, dynamics, absent) if len(dynamics) == 1 else None
    if edits is None:
        edits = _static_blocks(group, absent)
    listed = ", ".join(p.name for p in absent)
    if tls:
        return Fix.unsafe(f"Add {listed} (TLS becomes mandatory)", *edits)
    return Fix.safe(f"Add {listed}", *edits)


def _parameter_block(parameter: Parameter, indent: str) -> str:
    items: list[tuple[str, str] | HclBlock | None] = [
        ("name", hcl_string(parameter.name)),
        ("value", hcl_string(parameter.value)),
    ]
    if not parameter.dynamic:
        items.append(("apply_method", hcl_string("pending-reboot")))
    return HclBlock("parameter", items).render(indent)


def _static_blocks(group: Block, absent: list[Parameter]) -> list[TextEdit]:
    """New `parameter` blocks after the group's last parameter (or last attribute)."""
    file = group.file
    indent = group.body_indent
    blocks = "\n\n".join(_parameter_block(p, indent) for p in absent)
    params = group.nested("parameter") + group.dynamic("parameter")
    anchor = max(params, key=lambda b: b.end) if params else None
    if anchor is None:
        attrs = [a for a in group.attribute_list if a.name not in ("depends_on",)]
        anchor = attrs[-1] if attrs else None
    if anchor is None:
        close_line = file.line_col(group.body_end)[0]
        if file.line_col(group.body_start)[0] == close_line:
            return [edit(file, group.body_start, group.body_end, "\n" + blocks + "\n" + group.indent)]
        at = file.line_start(close_line)
        return [edit(file, at, at, blocks + "\n")]
    at = file.line_end(anchor.end_line)
    return [edit(file, at, at, "\n\n" + blocks)]


# --- adding entries to the map a dynamic "parameter" iterates ------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _map_origin(module: Module, attr: Attribute, depth: int = 0) -> Attribute | None:
    """The attribute whose value is the object literal `attr` evaluates to."""
    source = attr.source.strip()
    if source.startswith("{"):
        return attr
    match = re.fullmatch(r"(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)", source)
    if match is None or depth > 8:
        return None
    if match.group(1) == "local":
        target = module.locals.get(match.group(2))
    else:
        target = module.variable_value_attribute(match.group(2))
        if target is not None and target.path not in module.files:
            return None
    return _map_origin(module, target, depth + 1) if target is not None else None


def _object_of(attr: Attribute) -> Object | None:
    expr = attr.expression
    return expr if isinstance(expr, Object) else None


def _into_map(module: Module, dynamics: list[Dynamic], absent: list[Parameter]) -> list[TextEdit] | None:
    """Entries for the map a single `dynamic "parameter"` iterates, when its content is
    `name = <it>.key`, `value = <it>.value` (and any fixed apply_method that suits them all)."""
    dynamic = dynamics[0]
    content = dynamic.block.nested("content")[0]
    it = dynamic.iterator
    name, value = content.get("name"), content.get("value")
    if name is None or value is None:
        return None
    if name.source.strip() != f"{it}.key" or value.source.strip() != f"{it}.value":
        return None
    method = content.get("apply_method")
    if method is not None and not (
        method.value() == "pending-reboot"
        or (method.value() == "immediate" and all(p.dynamic for p in absent))
    ):
        return None
    if method is None and not all(p.dynamic for p in absent):
        return None
    origin = _map_origin(module, dynamic.block.get("for_each"))
    obj = _object_of(origin) if origin is not None else None
    if obj is None:
        return None
    entries = [(_key(p.name), hcl_string(p.value)) for p in absent]
    return _append_entries(origin, obj, entries)


def _key(name: str) -> str:
    return name if _IDENTIFIER.fullmatch(name) else hcl_string(name)


def _append_entries(attr: Attribute, obj: Object, entries: list[tuple[str, str]]) -> list[TextEdit] | None:
    file = attr.file
    elements = obj.items
    close = attr.value_end - 1
    if file.line_col(attr.value_start)[0] == file.line_col(close)[0]:
        # A one-line map: `{ a = "1" }` -> `{ a = "1", b = "2" }`.
        inner = file.text[attr.value_start + 1 : close].strip().rstrip(",")
        added = ", ".join(f"{k} = {v}" for k, v in entries)
        text = "{ " + (f"{inner}, {added}" if inner else added) + " }"
        return [edit(file, attr.value_start, attr.value_end, text)]
    spans = []  # (key start, key end, "=" offset, line) of each element
    for elem in elements:
        key_start, key_end = elem.start, elem.key_end
        if "\n" in file.text[elem.start : elem.end].rstrip():
            spans.append(None)  # a multi-line value ends an alignment run
            continue
        spans.append((key_start, key_end, file.text.index("=", key_end), file.line_col(key_start)[0]))
    run = []
    for span in reversed(spans):
        if span is None or (run and span[3] != run[-1][3] - 1):
            break
        run.append(span)
    if spans and spans[-1] is None:
        run = []
    width = max([*(len(k) for k, _ in entries), *(s[1] - s[0] for s in run)])
    edits = []
    for key_start, key_end, eq, _line in run:
        padding = " " * (width - (key_end - key_start) + 1)
        if file.text[key_end:eq] != padding:
            edits.append(edit(file, key_end, eq, padding))
    indent = _entry_indent(file, elements, attr)
    at = file.line_start(file.line_col(close)[0])
    text = "".join(f"{indent}{k.ljust(width)} = {v}\n" for k, v in entries)
    if elements and "," in file.text[elements[-1].end : close]:
        text = "".join(f"{indent}{k.ljust(width)} = {v},\n" for k, v in entries)
    return [*edits, edit(file, at, at, text)]


def _entry_indent(file: Any, elements: list[ObjectItem], attr: Attribute) -> str:
    if elements:
        line = file.line_col(elements[0].start)[0]
        return file.text[file.line_start(line) : elements[0].start]
    line_start = file.line_start(attr.line)
    return file.text[line_start : attr.start] + "  "
