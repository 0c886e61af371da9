"""TAP403: a database or volume that no AWS Backup plan selects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from fixers.aws.iam import trust_policy, trusts_service
from fixers.companions import free_name, instance_count, passed_to_module, refers_to
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_string, insert_after, replace_value
from fixers.evaluate import UNKNOWN, evaluate, is_known, traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Tuple
from fixers.semantic.references import Address

RULE = Rule(
    id="TAP403",
    name="backup-plan-missing",
    severity=Severity.LOW,
    why="Service-native backups die with the resource and its account; AWS Backup keeps them apart.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.ALWAYS,
    default=False,  # precision on public code: see its docs page
)

# The data stores, and the argument that names each one (for names of what the fix adds).
STORES = {
    "aws_db_instance": "identifier",
    "aws_rds_cluster": "cluster_identifier",
    "aws_dynamodb_table": "name",
    "aws_efs_file_system": "creation_token",
    "aws_ebs_volume": None,
}
POLICY = "service-role/AWSBackupServiceRolePolicyForBackup"
SERVICE = "backup.amazonaws.com"
# A tag key like this says backups are arranged elsewhere (an organization backup policy, or a
# central plan in another stack that selects by tag).
_BACKUP_TAG = re.compile(r"backup", re.IGNORECASE)
# AWS limits: vault names 2-50 of [A-Za-z0-9_-]; plan and selection names 1-50 of [A-Za-z0-9_.-].
_VAULT_NAME = re.compile(r"[A-Za-z0-9_-]{2,50}")
_PLAN_NAME = re.compile(r"[A-Za-z0-9_.-]{1,50}")


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    selections = [s for s in module.resources("aws_backup_selection") if instance_count(s) != 0]
    unselected = []
    for store in module.resources(*STORES):
        if (
            instance_count(store) == 0
            or passed_to_module(module, store)
            or _not_backed_up_by_aws_backup(store)
        ):
            continue
        tags = _tags(module, store)
        if tags is None or any(_BACKUP_TAG.search(k) for k in tags.names()):
            continue
        if any(_selects(module, s, store, tags) is not False for s in selections):
            continue
        unselected.append(store)
    if not unselected:
        return
    fix = _fix(module, unselected)
    for store in unselected:
        yield RULE.finding(store, f"{store.address} {_evidence(store)}", fix=fix)


def _not_backed_up_by_aws_backup(store: Block) -> bool:
    """Read replicas and cluster members are backed up through their source or cluster."""
    if store.resource_type == "aws_db_instance":
        return store.has("replicate_source_db") or store.has("cluster_identifier")
    return False


def _evidence(store: Block) -> str:
    if store.resource_type in ("aws_db_instance", "aws_rds_cluster"):
        days = store.value("backup_retention_period", 1 if store.resource_type == "aws_rds_cluster" else None)
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            return (
                f"is selected by no AWS Backup plan: its only backups are RDS automated backups "
                f"(backup_retention_period = {days} days), kept in the same account and deleted with it"
            )
        if days == 0:
            return "is selected by no AWS Backup plan and has automated backups off (backup_retention_period = 0)"
    if store.resource_type == "aws_dynamodb_table":
        return "is selected by no AWS Backup plan: an overwritten or deleted table cannot be restored from a backup"
    return "is selected by no AWS Backup plan: it has no backups at all"


# --- what selects a store ------------------------------------------------------------------------


def _provider_default_tags(module: Module, store: Block) -> Any:
    """The default_tags keys/values of the provider configuration `store` uses; {} when the
    module declares none (a child module: tags from the caller are unknown, so UNKNOWN)."""
    alias = None
    provider = store.get("provider")
    if provider is not None:
        found = traversals(provider.expression)
        alias = found[0][1] if found and len(found[0]) > 1 else None
    for block in module.of_type("provider"):
        if block.labels[:1] != ["aws"] or block.value("alias", None) != alias:
            continue
        merged: dict[str, Any] = {}
        for default_tags in block.nested("default_tags"):
            value = default_tags.value("tags", {})
            if not isinstance(value, dict):
                return UNKNOWN
            merged.update(value)
        if block.dynamic("default_tags"):
            return UNKNOWN
        return merged
    return UNKNOWN


@dataclass
class Tags:
    """A store's tags as AWS Backup sees them: its own win over the provider's default_tags,
    which are unknown in a module without a provider block (the caller's apply)."""

    own: dict[str, Any]
    defaults: dict[str, Any] | None

    def get(self, key: str) -> Any:
        """The tag's value, None when it is not set, UNKNOWN when default_tags could set it."""
        if key in self.own:
            return self.own[key]
        if self.defaults is None:
            return UNKNOWN
        return self.defaults.get(key)

    def names(self) -> list[str]:
        return [*self.own, *(self.defaults or {})]


def _tags(module: Module, store: Block) -> Tags | None:
    own = store.value("tags", {}) if store.has("tags") else {}
    if not isinstance(own, dict) or not all(isinstance(k, str) for k in own):
        return None
    defaults = _provider_default_tags(module, store)
    return Tags(own, None if defaults is UNKNOWN else defaults)


def _selects(module: Module, selection: Block, store: Block, tags: Tags) -> bool | None:
    """Does `selection` back up `store`? None when it cannot be told."""
    excluded = selection.get("not_resources")
    if excluded is not None and refers_to(module, excluded, store.address):
        return False
    resources = selection.get("resources")
    if resources is not None:
        listed = _listed(module, resources, store)
        if listed is True:
            return True
        # An ARN pattern (arn:aws:rds:*:*:db:*) or a computed list: conditions may still exclude it.
        if listed is None and _matches_conditions(selection, tags) is not False:
            return None
    if selection.dynamic("selection_tag"):
        return None
    for selection_tag in selection.nested("selection_tag"):
        kind, key, value = (selection_tag.value(n, UNKNOWN) for n in ("type", "key", "value"))
        if not is_known([kind, key, value]):
            return None
        actual = tags.get(key)
        if actual is UNKNOWN:
            return None
        if kind == "STRINGEQUALS" and actual == value:
            return True
    return False


def _listed(module: Module, resources: Attribute, store: Block) -> bool | None:
    """Whether `resources` lists the store: True by reference, False when every element is
    known to be something else (another resource's ARN, a literal ARN), None otherwise."""
    if refers_to(module, resources, store.address):
        return True
    listed = resources.expression
    if not isinstance(listed, Tuple):
        value = resources.value()
        items_values = value if isinstance(value, list) else [value]
        if not is_known(items_values):
            return None
        return None if any(isinstance(v, str) and "*" in v for v in items_values) else False
    for item in listed.items:
        value = evaluate(module, item)
        if isinstance(value, str):
            if "*" in value:
                return None
            continue
        found = traversals(item)
        if len(found) == 1 and _other_resource(module, found[0], store):
            continue
        return None
    return False


def _other_resource(module: Module, parts: tuple, store: Block) -> bool:
    address = Address.from_traversal(parts)
    target = module.find(address.node) if address is not None and address.kind == "resource" else None
    return target is not None and target is not store


def _matches_conditions(selection: Block, tags: Tags) -> bool | None:
    """Whether the store's tags satisfy the selection's `condition` block (all of its tests)."""
    for condition in selection.nested("condition"):
        for test in condition.blocks:
            key, value = test.value("key", UNKNOWN), test.value("value", UNKNOWN)
            if not isinstance(key, str) or not isinstance(value, str):
                return None
            actual = tags.get(key.removeprefix("aws:ResourceTag/"))
            if actual is UNKNOWN:
                return None
            matched = {
                "string_equals": actual == value,
                "string_not_equals": actual != value,
                "string_like": actual is not None and fnmatchcase(actual, value),
                "string_not_like": actual is None or not fnmatchcase(actual, value),
            }.get(test.type)
            if matched is None:
                return None
            if not matched:
                return False
    return True


# --- the fix -------------------------------------------------------------------------------------


def _reusable(block: Block) -> bool:
    return block.count is None and block.for_each is None


def _first_reusable(module: Module, resource_type: str) -> Block | None:
    return next((b for b in module.resources(resource_type) if _reusable(b)), None)


def _trusted_role(module: Module) -> Block | None:
    """A role AWS Backup may assume (its trust policy names backup.amazonaws.com)."""
    for role in module.resources("aws_iam_role"):
        if _reusable(role) and trusts_service(module, role, SERVICE):
            return role
    return None


def _has_policy(module: Module, role: Block) -> bool:
    managed = role.get("managed_policy_arns")
    if managed is not None and POLICY in managed.source:
        return True
    for attachment in module.resources("aws_iam_role_policy_attachment"):
        arn, target = attachment.get("policy_arn"), attachment.get("role")
        if (
            arn is not None
            and target is not None
            and POLICY in arn.source
            and refers_to(module, target, role.address)
        ):
            return True
    return False


def _policy_arn(module: Module) -> str:
    partitions = module.data_sources("aws_partition")
    if partitions and _reusable(partitions[0]):
        return f'"arn:${{{partitions[0].address}.partition}}:iam::aws:policy/{POLICY}"'
    return hcl_string(f"arn:aws:iam::aws:policy/{POLICY}")


def _arns(stores: list[Block]) -> str:
    """Every instance's ARN: `[a.arn, b.arn]`, or concat() with splats for counted stores."""
    singles = [f"{s.address}.arn" for s in stores if _reusable(s)]
    lists = []
    for s in stores:
        if s.count is not None:
            lists.append(f"{s.address}[*].arn")
        elif s.for_each is not None:
            lists.append(f"[for store in {s.address} : store.arn]")
    if not lists:
        return "[" + ", ".join(singles) + "]"
    parts = (["[" + ", ".join(singles) + "]"] if singles else []) + lists
    return parts[0] if len(parts) == 1 else "concat(" + ", ".join(parts) + ")"


def _name(store: Block, suffix: str, pattern: re.Pattern) -> str:
    """An HCL string naming something after `store` (`"<store's name>-<suffix>"`) when that
    name is known to stay within AWS's limits, else after its Terraform label."""
    argument = STORES.get(store.resource_type)
    attr = store.get(argument) if argument else None
    if attr is not None and _reusable(store) and not _uses_instance(attr):
        value = attr.value()
        if isinstance(value, str) and pattern.fullmatch(f"{value}-{suffix}"):
            source = attr.source.strip()
            if source.startswith('"') and "\n" not in source:
                return source[:-1] + f'-{suffix}"'
            return f'"${{{source}}}-{suffix}"'
    return hcl_string(f"{store.name.replace('_', '-')}-{suffix}")


def _uses_instance(attr: Attribute) -> bool:
    return any(parts[:1] in (("count",), ("each",)) for parts in traversals(attr.expression))


def _fix(module: Module, stores: list[Block]) -> Fix | None:
    first = stores[0]
    blocks: list[str] = []
    added: list[str] = []
    edits: list[TextEdit] = []

    plan = _first_reusable(module, "aws_backup_plan")
    if plan is None:
        vault = _first_reusable(module, "aws_backup_vault")
        if vault is None:
            label = free_name(module, "aws_backup_vault", "backup")
            blocks.append(
                HclBlock(
                    f'resource "aws_backup_vault" "{label}"', [("name", _name(first, "backup", _VAULT_NAME))]
                ).render()
            )
            vault_address = f"aws_backup_vault.{label}"
            added.append(vault_address)
        else:
            vault_address = vault.address
        label = free_name(module, "aws_backup_plan", "daily")
        rule = HclBlock(
            "rule",
            [
                ("rule_name", hcl_string("daily")),
                ("target_vault_name", f"{vault_address}.name"),
                ("schedule", hcl_string("cron(0 5 * * ? *)")),
                None,
                HclBlock("lifecycle", [("delete_after", "35")]),
            ],
        )
        blocks.append(
            HclBlock(
                f'resource "aws_backup_plan" "{label}"',
                [("name", _name(first, "daily", _PLAN_NAME)), None, rule],
            ).render()
        )
        plan_address = f"aws_backup_plan.{label}"
        added.append(plan_address)
    else:
        plan_address = plan.address
        appended = _append_to_selection(module, plan, stores)
        if appended is not None:
            return appended

    role = _trusted_role(module)
    if role is None:
        label = free_name(module, "aws_iam_role", "backup")
        blocks.append(
            HclBlock(
                f'resource "aws_iam_role" "{label}"',
                [("name_prefix", hcl_string("backup-")), None, ("assume_role_policy", trust_policy(SERVICE))],
            ).render()
        )
        role_address = f"aws_iam_role.{label}"
        added.append(role_address)
        needs_policy = True
    else:
        role_address = role.address
        needs_policy = not _has_policy(module, role)
    if needs_policy:
        label = free_name(module, "aws_iam_role_policy_attachment", role_address.split(".")[1] + "_backup")
        if role is None:
            label = free_name(module, "aws_iam_role_policy_attachment", role_address.split(".")[1])
        blocks.append(
            HclBlock(
                f'resource "aws_iam_role_policy_attachment" "{label}"',
                [("role", f"{role_address}.name"), ("policy_arn", _policy_arn(module))],
            ).render()
        )
        added.append(f"aws_iam_role_policy_attachment.{label}")

    label = free_name(module, "aws_backup_selection", first.name if len(stores) == 1 else "data_stores")
    blocks.append(
        HclBlock(
            f'resource "aws_backup_selection" "{label}"',
            [
                ("name", _name(first, "data", _PLAN_NAME) if len(stores) > 1 else _selection_name(first)),
                ("plan_id", f"{plan_address}.id"),
                ("iam_role_arn", f"{role_address}.arn"),
                ("resources", _arns(stores)),
            ],
        ).render()
    )
    added.append(f"aws_backup_selection.{label}")
    edits.append(insert_after(first, "\n\n".join(blocks)))
    covered = ", ".join(s.address for s in stores)
    return Fix.safe(f"Back up {covered} daily with AWS Backup ({', '.join(added)})", *edits)


def _selection_name(store: Block) -> str:
    return _name(store, "backup", _PLAN_NAME)


def _append_to_selection(module: Module, plan: Block, stores: list[Block]) -> Fix | None:
    """Add the stores' ARNs to an existing selection of `plan` that lists ARNs literally."""
    if not all(_reusable(s) for s in stores):
        return None
    for selection in module.resources("aws_backup_selection"):
        plan_id = selection.get("plan_id")
        resources = selection.get("resources")
        if plan_id is None or resources is None or not _reusable(selection):
            continue
        if not refers_to(module, plan_id, plan.address):
            continue
        if selection.blocks or selection.has("not_resources") or "*" in resources.source:
            continue  # conditions and exclusions apply to listed ARNs too; a pattern is not a list
        if not isinstance(resources.expression, Tuple) or "\n" in resources.source:
            continue
        inner = resources.source.strip()[1:-1].strip().rstrip(",")
        added = ", ".join(f"{s.address}.arn" for s in stores)
        value = f"[{inner}, {added}]" if inner else f"[{added}]"
        covered = ", ".join(s.address for s in stores)
        return Fix.safe(f"Add {covered} to {selection.address}", replace_value(resources, value))
    return None
