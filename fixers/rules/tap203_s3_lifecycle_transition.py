"""TAP203: an S3 lifecycle rule that expires objects but keeps them in S3 Standard until then,
or that transitions them earlier than AWS accepts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fixers.companions import instance_scopes
from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, hcl_string, replace_value
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP203",
    name="s3-lifecycle-no-transition",
    severity=Severity.LOW,
    why="Objects kept in S3 Standard until they expire cost about twice what Standard-IA costs after the first month.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# AWS rejects a transition to an infrequent-access class before day 30 (API_Transition).
IA_CLASSES = ("STANDARD_IA", "ONEZONE_IA")
IA_MIN_DAYS = 30


@dataclass(frozen=True)
class Step:
    """Move objects to `storage_class` on day `days`; worth it only when they then stay there
    for at least the class's minimum billed duration before they expire."""

    days: int
    storage_class: str
    min_billed_days: int

    def pays_off(self, expiration: int) -> bool:
        return expiration - self.days >= self.min_billed_days


SCHEDULE = (Step(30, "STANDARD_IA", 30), Step(90, "GLACIER_IR", 90))


@dataclass(frozen=True)
class Kind:
    """Current or noncurrent versions, in the modern or the legacy inline syntax."""

    expiration: str
    transition: str
    days: str  # the days argument of both blocks
    what: str


def _kinds(legacy: bool) -> tuple[Kind, Kind]:
    noncurrent_days = "days" if legacy else "noncurrent_days"
    return (
        Kind("expiration", "transition", "days", "objects"),
        Kind(
            "noncurrent_version_expiration",
            "noncurrent_version_transition",
            noncurrent_days,
            "noncurrent versions",
        ),
    )


def _lifecycle_rules(module: Module) -> Iterator[tuple[Block, bool]]:
    for config in module.resources("aws_s3_bucket_lifecycle_configuration"):
        for rule in config.nested("rule"):
            yield rule, False
    for bucket in module.resources("aws_s3_bucket"):
        for rule in bucket.nested("lifecycle_rule"):
            yield rule, True


def _enabled(rule: Block, legacy: bool) -> bool:
    if legacy:
        return rule.value("enabled", UNKNOWN) in (True, "true")
    return rule.value("status", UNKNOWN) == "Enabled"


def _label(rule: Block) -> str:
    rule_id = rule.value("id", UNKNOWN)
    parent = rule.parent.address if rule.parent is not None else ""
    if isinstance(rule_id, str) and rule_id:
        return f'rule "{rule_id}" of {parent}'
    siblings = [b for b in rule.parent.blocks if b.type == rule.type] if rule.parent else [rule]
    return f"{rule.type} #{siblings.index(rule) + 1} of {parent}"


def _days(block: Block, name: str) -> int | None:
    """The smallest value over the resource's instances (a transition written as a literal must
    suit all of them), None unless every instance's value is a known number."""
    top = block
    while top.parent is not None:
        top = top.parent
    values = [block.value(name, UNKNOWN, scope) for _, scope in instance_scopes(top) or [("", {})]]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    return min(values)


def _has_transitions(rule: Block, kind: Kind) -> bool:
    return bool(rule.nested(kind.transition) or rule.dynamic(kind.transition))


def _filter_text(rule: Block) -> str:
    parts = [b.file.text[b.start : b.end] for b in rule.nested("filter")]
    if rule.has("prefix"):
        parts.append(rule.get("prefix").source)
    return " ".join("".join(parts).split())


def _sibling_transitions(rule: Block, kind: Kind, legacy: bool) -> bool:
    """Another enabled rule of the same resource already transitions the same objects."""
    if rule.parent is None:
        return False
    mine = _filter_text(rule)
    return any(
        other is not rule
        and other.type == rule.type
        and _enabled(other, legacy)
        and _has_transitions(other, kind)
        and _filter_text(other) in (mine, "")
        for other in rule.parent.blocks
    )


def _insert_before(rule: Block, anchor: Block, blocks: list[HclBlock]) -> object:
    """Insert nested blocks on the lines above `anchor`, following the rule's blank-line style."""
    file = anchor.file
    first = anchor.line
    # Comments directly above the anchor belong to it: insert above them.
    while first > 1 and file.line_text(first - 1).strip().startswith(("#", "//")):
        first -= 1
    at = file.line_start(first)
    spaced = first > 1 and not file.line_text(first - 1).strip()
    gap = "\n\n" if spaced else "\n"
    text = gap.join(b.render(rule.body_indent) for b in blocks) + gap
    return edit(file, at, at, text)


def _missing_transitions(rule: Block, legacy: bool) -> Iterator[Finding]:
    for kind in _kinds(legacy):
        expirations = rule.nested(kind.expiration)
        if not expirations or _has_transitions(rule, kind):
            continue
        expiration = expirations[0]
        days = _days(expiration, kind.days)
        # Below 60 days no class is held for its minimum billed duration: nothing to gain.
        steps = [s for s in SCHEDULE if days is not None and s.pays_off(days)]
        if not steps or _sibling_transitions(rule, kind, legacy):
            continue
        blocks = [
            HclBlock(
                kind.transition, [(kind.days, str(s.days)), ("storage_class", hcl_string(s.storage_class))]
            )
            for s in steps
        ]
        plan = " and ".join(f"{s.storage_class} on day {s.days}" for s in steps)
        label = _label(rule)
        source = expiration.get(kind.days).source
        written = f"{kind.expiration}.{kind.days}" + ("" if source == str(days) else f" = {source}")
        yield RULE.finding(
            expiration,
            f"{label} expires {kind.what} after {days} days ({written}) but never "
            f"transitions them: they stay in S3 Standard for all {days} days; moving them to {plan} costs less",
            key=f"{label}: {kind.transition}",
            fix=Fix.safe(f"Add {kind.transition} to {plan}", _insert_before(rule, expiration, blocks)),
        )


def _early_transitions(rule: Block, legacy: bool) -> Iterator[Finding]:
    for kind in _kinds(legacy):
        transitions = rule.nested(kind.transition)
        expirations = rule.nested(kind.expiration)
        expires = _days(expirations[0], kind.days) if expirations else None
        for transition in transitions:
            storage_class = transition.value("storage_class", UNKNOWN)
            days = _days(transition, kind.days)
            if storage_class not in IA_CLASSES or days is None or days >= IA_MIN_DAYS:
                continue
            label = _label(rule)
            message = (
                f"{label} moves {kind.what} to {storage_class} after {days} days "
                f"({kind.transition}.{kind.days}); AWS rejects fewer than {IA_MIN_DAYS} days at apply time"
            )
            others = [_days(t, kind.days) for t in transitions if t is not transition]
            # Raising the day must keep later classes 30 days behind and expiry after it.
            fits = all(d is not None and d >= IA_MIN_DAYS * 2 for d in others) and (
                not expirations or (expires is not None and expires > IA_MIN_DAYS)
            )
            fix = None
            if fits:
                fix = Fix.safe(
                    f"Move the {storage_class} transition to day {IA_MIN_DAYS}",
                    replace_value(transition.get(kind.days), str(IA_MIN_DAYS)),
                )
            yield RULE.finding(
                transition.get(kind.days),
                message,
                key=f"{label}: {kind.transition} {storage_class}",
                fix=fix,
            )


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for rule, legacy in _lifecycle_rules(module):
        if rule.type == "dynamic" or not _enabled(rule, legacy):
            continue
        yield from _missing_transitions(rule, legacy)
        yield from _early_transitions(rule, legacy)
