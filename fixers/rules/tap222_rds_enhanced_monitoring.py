"""TAP222: an RDS instance with Enhanced Monitoring switched off."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.aws.iam import trust_policy, trusts_service
from fixers.companions import (
    applies_directly,
    free_name,
    instance_count,
    instance_ref,
    mentions,
    meta_arguments,
    refers_to,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, add_depends_on, hcl_string, insert_after, replace_value, update_attributes
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module
from fixers.rules._data_stores import (
    chain_end,
    literal_origin,
    via,
)

RULE = Rule(
    id="TAP222",
    name="rds-enhanced-monitoring-disabled",
    severity=Severity.LOW,
    why="Without Enhanced Monitoring there are no OS metrics to tell why a database is slow.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

INTERVAL = "60"  # seconds; the cheapest of the valid 1, 5, 10, 15, 30, 60
SERVICE = "monitoring.rds.amazonaws.com"
POLICY = "policy/service-role/AmazonRDSEnhancedMonitoringRole"
# Where the new arguments read best: next to the other operational settings.
NEAR = ("performance_insights_enabled", "maintenance_window", "backup_window", "backup_retention_period")


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for db in module.resources("aws_db_instance"):
        if instance_count(db) == 0:
            continue
        attr = db.get("monitoring_interval")
        interval = attr.value() if attr is not None else 0
        if isinstance(interval, str) and interval.strip().isdigit():
            interval = int(interval)  # Terraform converts "0" to the number the argument takes
        if interval is UNKNOWN or isinstance(interval, bool) or interval != 0:
            continue
        if attr is not None and not applies_directly(module) and _from_inputs(module, attr):
            continue  # an input of a module others call: whether to pay for monitoring is theirs
        detail = (
            f"monitoring_interval 0{via(module, attr)}"
            if attr is not None
            else "no monitoring_interval (default 0)"
        )
        yield RULE.finding(
            attr or db,
            f"{db.address} has {detail}: Enhanced Monitoring is off, so there are no OS metrics "
            "(per-process CPU and memory, swap, file system) to tell why the database is slow",
            fix=_fix(module, db),
        )


def _from_inputs(module: Module, attr) -> bool:
    return any(address.startswith("var.") for address in mentions(module, attr))


# --- the monitoring role -------------------------------------------------------------------------


def _policy_attachment(module: Module, role: Block) -> Block | bool | None:
    """The attachment granting the monitoring policy to `role`; True when the role carries it
    in `managed_policy_arns`; None when it has no such grant."""
    managed = role.get("managed_policy_arns")
    if managed is not None and POLICY in managed.source:
        return True
    for attachment in module.resources("aws_iam_role_policy_attachment"):
        role_attr, arn = attachment.get("role"), attachment.get("policy_arn")
        if role_attr is None or arn is None or "AmazonRDSEnhancedMonitoringRole" not in arn.source:
            continue
        if refers_to(module, role_attr, role.address) or role_attr.value() == role.value("name", UNKNOWN):
            return attachment
    return None


def _policy_arn(module: Module) -> str:
    partitions = module.data_sources("aws_partition")
    if partitions and partitions[0].count is None and partitions[0].for_each is None:
        return f'"arn:${{{partitions[0].address}.partition}}:iam::aws:{POLICY}"'
    return hcl_string(f"arn:aws:iam::aws:{POLICY}")


def _attachment(module: Module, role_address: str, name: str, meta: list[tuple[str, str]]) -> str:
    if meta and meta[0][0] == "count":
        role_ref, head = f"{role_address}[count.index].name", [meta[0]]
    elif meta:
        role_ref, head = "each.value.name", [("for_each", role_address)]
    else:
        role_ref, head = f"{role_address}.name", []
    return HclBlock(
        f'resource "aws_iam_role_policy_attachment" "{name}"',
        [*head, ("role", role_ref), ("policy_arn", _policy_arn(module))],
    ).render()


def _new_role(module: Module, db: Block) -> tuple[str, str, str]:
    """The text of a monitoring role and its policy attachment, their addresses."""
    name = free_name(module, "aws_iam_role", f"{db.name}_monitoring")
    attachment_name = free_name(module, "aws_iam_role_policy_attachment", name)
    meta = meta_arguments(db)
    role = HclBlock(
        f'resource "aws_iam_role" "{name}"',
        [*meta, ("name_prefix", hcl_string("rds-mon-")), ("assume_role_policy", trust_policy(SERVICE))],
    ).render()
    text = role + "\n\n" + _attachment(module, f"aws_iam_role.{name}", attachment_name, meta)
    return text, f"aws_iam_role.{name}", f"aws_iam_role_policy_attachment.{attachment_name}"


# --- the fix ---------------------------------------------------------------------------------


def _fix(module: Module, db: Block) -> Fix | None:
    edits: list[TextEdit] = []
    new_lines: list[tuple[str, str]] = []
    interval = db.get("monitoring_interval")
    if interval is None:
        new_lines.append(("monitoring_interval", INTERVAL))
    else:
        origin = literal_origin(module, interval)
        if origin is None:
            return None  # computed, or set per environment in a tfvars file
        edits.append(replace_value(origin, INTERVAL))
    described = "Set monitoring_interval to 60"
    dependency = None
    role_arn = db.get("monitoring_role_arn")
    if role_arn is not None and role_arn.source.strip() != "null" and role_arn.value() is None:
        # The module's own logic leaves the role out (`var.create_monitoring_role ? ... : null`):
        # an interval without a role fails at apply, and which input to change is the module's.
        return None
    if role_arn is None or role_arn.source.strip() == "null":
        role = _role(module, db)
        if role is None:
            return None
        arn, dependency, role_edits, described = role
        edits += role_edits
        if role_arn is not None:
            edits.append(replace_value(role_arn, arn))
        else:
            new_lines.append(("monitoring_role_arn", arn))
    if new_lines:
        edits += update_attributes(db, new_lines, after=interval or chain_end(db, NEAR))
    if dependency:
        # After the new arguments: both may be inserted at the end of the same line.
        edits += add_depends_on(db, dependency)
    return Fix.safe(described, *edits)


def _role(module: Module, db: Block) -> tuple[str, str | None, list[TextEdit], str] | None:
    """The role ARN expression for `db`, the address it must depend on, and the edits that
    add whatever the module lacks. An existing monitoring role is reused. None when a new role
    is needed but could not have one instance per database instance."""
    for role in module.resources("aws_iam_role"):
        if role.count is not None or role.for_each is not None or not trusts_service(module, role, SERVICE):
            continue
        grant = _policy_attachment(module, role)
        if grant is True:
            return f"{role.address}.arn", None, [], f"Enable Enhanced Monitoring with {role.address}"
        if isinstance(grant, Block):
            described = f"Enable Enhanced Monitoring with {role.address}"
            return f"{role.address}.arn", grant.address, [], described
        name = free_name(module, "aws_iam_role_policy_attachment", role.name)
        text = _attachment(module, role.address, name, [])
        described = f"Enable Enhanced Monitoring with {role.address} and grant it the monitoring policy"
        address = f"aws_iam_role_policy_attachment.{name}"
        return f"{role.address}.arn", address, [insert_after(role, text)], described
    if uncopyable_meta(module, db):
        return None
    text, role_address, attachment = _new_role(module, db)
    arn = instance_ref(db, "arn", role_address)
    described = f"Enable Enhanced Monitoring with a new {role_address}"
    return arn, attachment, [insert_after(db, text)], described
