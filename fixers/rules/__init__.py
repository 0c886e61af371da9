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
    """The rule ID that `reference` names: an ID in any case (`tap201`) or a rule's name
    (`s3-versioning-missing`); None when it names no rule."""
    wanted = reference.strip()
    for unit in all_rules():
        if wanted.upper() == unit.rule.id or wanted.lower() == unit.rule.name:
            return unit.rule.id
    return None
