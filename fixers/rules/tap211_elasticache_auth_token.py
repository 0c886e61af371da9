"""TAP211: an encrypted ElastiCache replication group that lets any client in without a password."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.companions import free_name, instance_ref, meta_arguments, require_provider, uncopyable_meta
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_string, insert_after, set_attribute
from fixers.evaluate import UNKNOWN, traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP211",
    name="elasticache-auth-token-missing",
    severity=Severity.MEDIUM,
    why="TLS without AUTH or RBAC encrypts the traffic but lets any client that reaches the port run commands.",
    fix=Applicability.UNSAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# AWS accepts only these specials in an AUTH token, fewer than the provider's own check.
AWS_TOKEN_SPECIALS = "!&#$^<>-"
TOKEN_LENGTH = 32
RANDOM_SOURCE = "hashicorp/random"
RANDOM_VERSION = ">= 3.0"


def _ignores_auth_token(group: Block) -> bool:
    for lifecycle in group.nested("lifecycle"):
        ignored = lifecycle.get("ignore_changes")
        if ignored is None:
            continue
        if ignored.source.strip() == "all":
            return True
        if any(parts[:1] == ("auth_token",) for parts in traversals(ignored.expression)):
            return True
    return False


def _authenticated(group: Block) -> bool:
    """True when the group has (or may have) AUTH or RBAC, or we cannot add a token to it."""
    if group.has("auth_token") or group.has("global_replication_group_id") or _ignores_auth_token(group):
        return True
    user_groups = group.get("user_group_ids")
    if user_groups is None:
        return False
    value = user_groups.value()
    return not (isinstance(value, list) and not value)


def _fix(module: Module, group: Block) -> Fix | None:
    if uncopyable_meta(module, group):
        return None  # the password could not have one instance per group instance
    name = free_name(module, "random_password", f"{group.name}_auth")
    password = HclBlock(
        f'resource "random_password" "{name}"',
        [
            *meta_arguments(group),
            ("length", str(TOKEN_LENGTH)),
            ("override_special", hcl_string(AWS_TOKEN_SPECIALS)),
        ],
    )
    edits = [
        *set_attribute(
            group,
            "auth_token",
            instance_ref(group, "result", f"random_password.{name}"),
            after="transit_encryption_enabled",
        ),
        insert_after(group, password.render()),
        *require_provider(module, "random", RANDOM_SOURCE, RANDOM_VERSION),
    ]
    return Fix.unsafe(
        f"Set auth_token from a new random_password.{name}; clients must send it (a group that already "
        'exists keeps accepting connections without it until auth_token_update_strategy = "SET")',
        *edits,
    )


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for group in module.resources("aws_elasticache_replication_group"):
        transit = group.get("transit_encryption_enabled")
        if transit is None or transit.value() not in (True, "true") or _authenticated(group):
            continue
        port = group.value("port", 6379)
        where = f"port {port}" if port is not UNKNOWN else "its port"
        setting = "true" if transit.source == "true" else f"{transit.source} (true)"
        yield RULE.finding(
            transit,
            f"{group.address} has transit_encryption_enabled = {setting} but neither auth_token nor "
            f"user_group_ids: any client that reaches {where} runs commands without a password",
            fix=_fix(module, group),
        )
