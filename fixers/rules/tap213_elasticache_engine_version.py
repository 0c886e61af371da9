"""TAP213: an ElastiCache parameter group family that the engine version using it does not match."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import NamedTuple

from fixers.companions import instance_count, refers_to
from fixers.config import RuleOptions
from fixers.edits import hcl_string, replace_value, set_attribute
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.rules._data_stores import literal_origin, via

RULE = Rule(
    id="TAP213",
    name="elasticache-engine-version-mismatch",
    severity=Severity.MEDIUM,
    why="A parameter group serves one engine family; a version outside it fails to apply or drifts.",
    fix=(Applicability.UNSAFE, Applicability.DISPLAY_ONLY),
    fix_availability=FixAvailability.SOMETIMES,
)

GROUP = "aws_elasticache_replication_group"
CLUSTER = "aws_elasticache_cluster"

# The version the fix writes: verified pairs only (aws-rules.md TAP213). Older Redis and
# Memcached families are still reported, without a fix, because their patch versions differ
# by region and retirement date.
FAMILY_VERSION = {"redis6.x": "6.2", "redis7": "7.1", "valkey7": "7.2", "valkey8": "8.0"}

# The ElastiCache API's family enum.
FAMILIES = {
    "redis2.6",
    "redis2.8",
    "redis3.2",
    "redis4.0",
    "redis5.0",
    "redis6.x",
    "redis7",
    "valkey7",
    "valkey8",
    "memcached1.4",
    "memcached1.5",
    "memcached1.6",
}


def family_engine(family: str) -> str:
    return re.match(r"[a-z]+", family).group(0)


def family_of(engine: str, version: str) -> str | None:
    """The parameter-group family an engine version belongs to, or None for a version this rule
    does not recognise (the provider's own format check reports those)."""
    if engine == "redis":
        if m := re.fullmatch(r"([1-5])\.(\d+)\.\d+", version):
            return f"redis{m.group(1)}.{m.group(2)}"
        if re.fullmatch(r"6\.(x|\d+)", version):
            return "redis6.x"
        if re.fullmatch(r"7\.\d+", version):
            return "redis7"
    if engine == "valkey" and (m := re.fullmatch(r"([78])\.\d+", version)):
        return f"valkey{m.group(1)}"
    if engine == "memcached" and (m := re.fullmatch(r"1\.(\d+)\.\d+", version)):
        return f"memcached1.{m.group(1)}"
    return None


def _version_key(version: str) -> tuple[float, ...]:
    # "6.x" is the newest 6: it sorts above every 6.N.
    return tuple(float("inf") if part == "x" else float(part) for part in version.split("."))


class _Source(NamedTuple):
    """Where a replication group or cluster gets its parameter group family from."""

    family: str
    description: str
    evidence: Attribute | None


def _parameter_group(module: Module, user: Block) -> _Source | None:
    attr = user.get("parameter_group_name")
    if attr is None:
        return None  # AWS then uses the default group of the version's own family
    groups = module.resources("aws_elasticache_parameter_group")
    referenced = [g for g in groups if refers_to(module, attr, g.address)]
    name = attr.value()
    if not referenced and isinstance(name, str):
        referenced = [g for g in groups if g.value("name", UNKNOWN) == name]
        default = re.fullmatch(r"default\.(.+?)(\.cluster\.on)?", name)
        if not referenced and default and default.group(1) in FAMILIES:
            return _Source(default.group(1), f'the default parameter group "{name}"', attr)
    if len(referenced) != 1:
        return None  # none we can see, or a choice between groups
    group = referenced[0]
    family = group.value("family", UNKNOWN)
    if not isinstance(family, str) or family not in FAMILIES:
        return None
    return _Source(family, group.address, group.get("family"))


def _engine(user: Block) -> object:
    if user.has("engine"):
        return user.value("engine")
    # The replication group's engine defaults to redis; a cluster must name one.
    return "redis" if user.resource_type == GROUP else UNKNOWN


def _related(source: _Source) -> list[str]:
    at = source.evidence
    return [f"{at.path}:{at.line}: {at.name} = {at.source}"] if at is not None else []


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for user in module.resources(GROUP, CLUSTER):
        if user.resource_type == CLUSTER and user.has("replication_group_id"):
            continue  # a member takes engine and version from its replication group
        if user.has("global_replication_group_id"):
            continue  # a secondary of a global datastore takes them from the global group
        if instance_count(user) == 0:
            continue
        source = _parameter_group(module, user)
        engine = _engine(user)
        if source is None or not isinstance(engine, str):
            continue
        finding = _mismatch(module, user, engine, source)
        if finding is not None:
            yield finding


def _mismatch(module: Module, user: Block, engine: str, source: _Source) -> Finding | None:
    family = source.family
    wanted_engine = family_engine(family)
    related = _related(source)
    if engine != wanted_engine:
        default = "" if user.has("engine") else " (the default)"
        return RULE.finding(
            user.get("engine") or user,
            f"{user.address} runs engine {json.dumps(engine)}{default} but uses {source.description} "
            f"of family {family}, which needs engine {json.dumps(wanted_engine)}: AWS rejects the "
            "combination",
            related=related,
        )
    target = FAMILY_VERSION.get(family)
    version_attr = user.get("engine_version")
    if version_attr is None:
        if wanted_engine == "memcached":
            return None  # Memcached has stayed on 1.6 for years; only a mismatch is reported
        fix = None
        if target is not None:
            after = "engine" if user.has("engine") else "parameter_group_name"
            # A group that exists runs the version ElastiCache chose when it was created: pinning
            # another one upgrades it in place (or downgrades it, which replaces it).
            fix = Fix.unsafe(
                f"Pin engine_version to {target}",
                set_attribute(user, "engine_version", hcl_string(target), after=after),
            )
        return RULE.finding(
            user,
            f"{user.address} uses {source.description} (family {family}) but sets no "
            "engine_version: ElastiCache picks its default version when it creates the group, "
            f"and nothing ties that default to family {family}",
            fix=fix,
            related=related,
        )
    version = version_attr.value()
    if not isinstance(version, str):
        return None
    actual = family_of(engine, version)
    if actual is None or actual == family:
        return None
    message = (
        f"{user.address} sets engine_version {json.dumps(version)}{via(module, version_attr)}, a "
        f"{actual} version, but uses {source.description} of family {family}: AWS rejects the "
        "combination"
    )
    origin = literal_origin(module, version_attr)
    if target is None or origin is None:
        return RULE.finding(version_attr, message, related=related)
    edit = replace_value(origin, hcl_string(target))
    if _version_key(target) < _version_key(version):
        return RULE.finding(
            version_attr,
            f"{message}. {target} would be a downgrade from {version}, which replaces the "
            f"{'replication group' if user.resource_type == GROUP else 'cluster'} (data loss): "
            f"move the parameter group to family {actual} instead, or confirm the downgrade",
            fix=Fix.display_only(f"Set engine_version to {target} (replaces the resource)", edit),
            related=related,
        )
    return RULE.finding(
        version_attr,
        f"{message}; {target} upgrades it in place",
        fix=Fix.unsafe(f"Set engine_version to {target} (upgrades a running group in place)", edit),
        related=related,
    )
