"""TAP221: an RDS final snapshot identifier with no unique part."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fixers.companions import (
    free_name,
    instance_ref,
    known_count,
    meta_arguments,
    refers_to,
    require_provider,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, insert_after, replace_value
from fixers.evaluate import UNKNOWN, is_known
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.rules._data_stores import via

RULE = Rule(
    id="TAP221",
    name="rds-final-snapshot-static",
    severity=Severity.MEDIUM,
    why="A fixed final snapshot name makes the next deletion of a re-created database fail.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

RANDOM_SOURCE = "hashicorp/random"
RANDOM_VERSION = ">= 3.0"
MAX_IDENTIFIER = 255  # AWS limit for FinalDBSnapshotIdentifier / FinalDBClusterSnapshotIdentifier
SUFFIX = 9  # "-" and the 8 hex digits of a 4-byte random_id

# Top-level scalar arguments that force replacement (ForceNew in the provider schema,
# tpa:internal/service/rds/instance.go and cluster.go). A replaced database must get a new
# suffix, so these become the random_id's keepers.
FORCE_NEW = {
    "aws_db_instance": (
        "identifier",
        "identifier_prefix",
        "engine",
        "db_name",
        "username",
        "availability_zone",
        "character_set_name",
        "nchar_character_set_name",
        "custom_iam_instance_profile",
        "kms_key_id",
        "snapshot_identifier",
        "storage_encrypted",
        "timezone",
    ),
    "aws_rds_cluster": (
        "cluster_identifier",
        "cluster_identifier_prefix",
        "engine",
        "engine_mode",
        "database_name",
        "master_username",
        "db_subnet_group_name",
        "db_system_id",
        "kms_key_id",
        "snapshot_identifier",
        "source_region",
        "storage_encrypted",
        "cluster_scalability_type",
    ),
}


def _scopes(db: Block) -> list[dict[str, Any]]:
    """One evaluation scope per instance. When the instances are unknown, one scope whose
    count.index / each.* are unknown: an identifier that does not use them is still static."""
    if db.count is not None:
        count = known_count(db.count.value())
        if count is not None:
            return [{"count": {"index": i}} for i in range(count)]
        return [{"count": {"index": UNKNOWN}}]
    if db.for_each is not None:
        collection = db.for_each.value()
        if isinstance(collection, dict) and collection:
            return [{"each": {"key": k, "value": v}} for k, v in collection.items()]
        if isinstance(collection, list) and all(isinstance(v, str) for v in collection):
            return [{"each": {"key": v, "value": v}} for v in collection]
        if collection == {} or collection == []:
            return []
        return [{"each": {"key": UNKNOWN, "value": UNKNOWN}}]
    return [{}]


def _static_values(attr: Attribute, scopes: list[dict[str, Any]]) -> list[str] | None:
    """The identifier of every instance, or None when any part is unknown (a random suffix,
    a resource attribute, timestamp()): that identifier has a unique part."""
    values = [attr.value(scope) for scope in scopes]
    if not values or not all(is_known(v) and isinstance(v, str) for v in values):
        return None
    return values


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for db in module.resources(*FORCE_NEW):
        attr = db.get("final_snapshot_identifier")
        if attr is None or db.has("replicate_source_db"):
            continue  # AWS takes no final snapshot of a read replica
        skip = db.value("skip_final_snapshot", False)
        if skip is not False:
            continue
        values = _static_values(attr, _scopes(db))
        if values is None:
            continue
        distinct = list(dict.fromkeys(values))
        shown = json.dumps(distinct[0]) + (f" (and {len(distinct) - 1} more)" if len(distinct) > 1 else "")
        skip_text = "false" if db.has("skip_final_snapshot") else "false (the default)"
        shared = " and every instance of it shares one name" if len(values) > len(distinct) else ""
        yield RULE.finding(
            attr,
            f"{db.address} has final_snapshot_identifier {shown}{via(module, attr)} with "
            f"skip_final_snapshot {skip_text}: the name is the same for every database ever "
            f"created at this address{shared}, so once a snapshot of that name exists the next "
            "deletion or replacement fails with DBSnapshotAlreadyExists",
            fix=_fix(module, db, attr, max(len(v) for v in values)),
        )


def _keepers(module: Module, db: Block) -> list[tuple[str, str]]:
    keepers = []
    for name in FORCE_NEW[db.resource_type]:
        attr = db.get(name)
        if attr is None or "\n" in attr.source or attr.source.strip() == "null":
            continue
        if refers_to(module, attr, db.address):
            continue  # a keeper that mentions the database would be a dependency cycle
        keepers.append((name, attr.source))
    return keepers


def _object(items: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in items)
    return "{\n" + "".join(f"  {name.ljust(width)} = {value}\n" for name, value in items) + "}"


def _fix(module: Module, db: Block, attr: Attribute, longest: int) -> Fix | None:
    source = attr.source
    if "\n" in source or longest + SUFFIX > MAX_IDENTIFIER:
        return None
    if uncopyable_meta(module, db):
        return None  # the suffix could not have one instance per database instance
    name = free_name(module, "random_id", f"{db.name}_final_snapshot")
    suffix = "${" + instance_ref(db, "hex", f"random_id.{name}") + "}"
    if source.startswith('"') and source.endswith('"') and len(source) > 1:
        identifier = f'{source[:-1]}-{suffix}"'
    else:
        identifier = f'"${{{source}}}-{suffix}"'
    items: list[tuple[str, str] | HclBlock | None] = [*meta_arguments(db), ("byte_length", "4")]
    keepers = _keepers(module, db)
    if keepers:
        items += [None, ("keepers", _object(keepers))]
    text = HclBlock(f'resource "random_id" "{name}"', items).render()
    if keepers:
        text = text.replace(
            "\n  keepers = {",
            "\n  # A change to any of these replaces the database, and draws a new suffix.\n  keepers = {",
            1,
        )
    return Fix.safe(
        f"Append random_id.{name}.hex to final_snapshot_identifier",
        replace_value(attr, identifier),
        insert_after(db, text),
        *require_provider(module, "random", RANDOM_SOURCE, RANDOM_VERSION),
    )
