"""The rule catalog. Each rule is one module in this package exposing `RULE` (a `Rule`) and
`check(module, options) -> Iterable[Finding]`; adding a rule means adding a module here."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from fixers.findings import Finding, Rule


@dataclass(frozen=True)
class RuleUnit:
    rule: Rule
    check: Callable[[Any, Any], Iterable[Finding]]
    source: ModuleType


@functools.cache
def all_rules() -> tuple[RuleUnit, ...]:
    units: list[RuleUnit] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(mod, "RULE", None)
        if isinstance(rule, Rule):
            units.append(RuleUnit(rule, mod.check, mod))
    ids = [u.rule.id for u in units]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise RuntimeError(f"rule IDs defined twice: {sorted(duplicated)}")
    return tuple(sorted(units, key=lambda u: u.rule.id))


def rule_by_id() -> dict[str, RuleUnit]:
    return {u.rule.id: u for u in all_rules()}


def resolve_rule(reference: str) -> str | None:
    """The rule ID that `reference` names: an ID in any case (`tap201`) or one of a rule's names
    (`s3-versioning-missing`); None when it names no rule."""
    wanted = reference.strip()
    for unit in all_rules():
        if wanted.upper() == unit.rule.id or wanted.lower() in unit.rule.names:
            return unit.rule.id
    return None


def rule_selector(reference: str) -> str | None:
    """What `--select`/`--ignore` and the config keep of `reference`: the rule's ID, or, for a rule
    that reports several kinds of finding under one ID (TAP000), the name of the kind it names, so
    that `suppression-invalid` selects those findings and not parse errors. None when it names no rule."""
    wanted = reference.strip()
    for unit in all_rules():
        if wanted.upper() == unit.rule.id:
            return unit.rule.id
        if wanted.lower() in unit.rule.names:
            return wanted.lower() if unit.rule.also else unit.rule.id
    return None
