"""TAP304: a GuardDuty detector whose findings no EventBridge rule delivers anywhere."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fixers.aws.iam import Statement, action_matches, append_statements, read_policy
from fixers.companions import (
    enabled,
    free_name,
    instance_ref,
    may_serve_any,
    meta_arguments,
    passed_to_module,
    referenced,
    refers_to,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_object, hcl_string, hcl_tuple, insert_after
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import call_of, known_parts

RULE = Rule(
    id="TAP304",
    name="guardduty-findings-unrouted",
    severity=Severity.MEDIUM,
    why="GuardDuty findings nobody is told about wait in the console until someone happens to look.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# The event GuardDuty sends for every finding (EventBridge user guide, "GuardDuty events").
SOURCE, DETAIL_TYPE = "aws.guardduty", "GuardDuty Finding"
_EVENTS = "events.amazonaws.com"
# What SNS's default topic policy lets the owning account do: kept when a topic gets its first
# managed policy, because aws_sns_topic_policy replaces the whole policy.
_DEFAULT_TOPIC_ACTIONS = (
    "SNS:GetTopicAttributes",
    "SNS:SetTopicAttributes",
    "SNS:AddPermission",
    "SNS:RemovePermission",
    "SNS:DeleteTopic",
    "SNS:Subscribe",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
)
_PREFERRED_TOPIC = re.compile(r"secur|guardduty|alert|alarm|notif|incident|on_?call|(^|_)ops($|_)", re.I)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    if _module_call_routes(module):
        return
    verdicts = {id(r): _receives_findings(module, r) for r in module.resources("aws_cloudwatch_event_rule")}
    if any(v is None for v in verdicts.values()):
        return
    rules = [r for r in module.resources("aws_cloudwatch_event_rule") if verdicts[id(r)]]
    targets = module.resources("aws_cloudwatch_event_target")
    if any(may_serve_any(module, t, "rule", "aws_cloudwatch_event_rule") for t in targets):
        return
    for detector in module.resources("aws_guardduty_detector"):
        if not enabled(detector) or passed_to_module(module, detector):
            continue
        if detector.value("enable", True) is not True:
            continue  # disabled, or unknown: nothing to say for sure
        if any(_targets_of(module, r, targets) for r in rules):
            continue
        if rules:
            rule = rules[0]
            yield RULE.finding(
                detector,
                f"{detector.address}: {rule.address} matches its findings (source {SOURCE}) but has "
                "no aws_cloudwatch_event_target, so nobody is alerted",
                fix=_fix(module, detector, rule),
            )
            continue
        yield RULE.finding(
            detector,
            f"{detector.address} has no EventBridge rule matching its findings (source {SOURCE}, "
            f'detail-type "{DETAIL_TYPE}") with a target: findings wait in the GuardDuty console '
            "and nobody is alerted",
            fix=_fix(module, detector, None),
        )


# --- what routes findings ------------------------------------------------------------------------


def _module_call_routes(module: Module) -> bool:
    """A module call that is given a GuardDuty event pattern builds the routing out of our sight."""
    for call in module.of_type("module"):
        for inner in call.walk():
            for attr in inner.attribute_list:
                if SOURCE in attr.source:
                    return True
    return False


def _receives_findings(module: Module, rule: Block) -> Any:
    """True when the rule (on the default bus, enabled) matches GuardDuty finding events;
    None when that cannot be told. Rules that surely do not match are left out by the caller."""
    if not enabled(rule):
        return False
    state = rule.value("state", "ENABLED")
    enabled_flag = rule.value("is_enabled", True)
    if state is UNKNOWN or enabled_flag is UNKNOWN:
        return None
    if state == "DISABLED" or enabled_flag is False:
        return False
    bus = rule.value("event_bus_name", "default")
    if bus is UNKNOWN and not referenced(module, rule.get("event_bus_name"), "aws_cloudwatch_event_bus"):
        return None
    if bus not in ("default", UNKNOWN) and not (isinstance(bus, str) and bus.endswith(":event-bus/default")):
        return False  # GuardDuty sends to the default bus only
    if referenced(module, rule.get("event_bus_name"), "aws_cloudwatch_event_bus"):
        return False
    pattern = _pattern(module, rule.get("event_pattern"))
    if pattern is None:
        return False
    if pattern is UNKNOWN:
        return None
    return _matches(pattern.get("source", UNKNOWN), SOURCE) and _matches(
        pattern.get("detail-type", UNKNOWN), DETAIL_TYPE
    )


def _pattern(module: Module, attr: Attribute | None) -> Any:
    """The event pattern as a dict (unknown parts UNKNOWN), UNKNOWN, or None without one."""
    if attr is None:
        return None
    encoded = call_of(attr.expression, "jsonencode")
    if encoded is not None and len(args := encoded.args) == 1:
        value = known_parts(module, args[0])
        return value if isinstance(value, dict) else UNKNOWN
    value = attr.value()
    if not isinstance(value, str):
        return UNKNOWN
    try:
        parsed = json.loads(value)
    except ValueError:
        return None  # EventBridge rejects it; another problem than this rule's
    return parsed if isinstance(parsed, dict) else None


def _matches(values: Any, actual: str) -> bool:
    """Does an event-pattern field match `actual`? A missing or unknown field counts as a match:
    the rule then never reports a detector whose findings might be routed."""
    if values is UNKNOWN:
        return True
    if not isinstance(values, list):
        return False
    for value in values:
        if value is UNKNOWN or value == actual:
            return True
        if isinstance(value, dict) and _content_filter(value, actual):
            return True
    return False


def _content_filter(spec: dict[str, Any], actual: str) -> bool:
    if "prefix" in spec:
        prefix = spec["prefix"]
        return prefix is UNKNOWN or (isinstance(prefix, str) and actual.startswith(prefix))
    if "equals-ignore-case" in spec:
        other = spec["equals-ignore-case"]
        return other is UNKNOWN or (isinstance(other, str) and other.lower() == actual.lower())
    if "wildcard" in spec:
        pattern = spec["wildcard"]
        return pattern is UNKNOWN or (isinstance(pattern, str) and action_matches(pattern, actual))
    if "anything-but" in spec:
        excluded = spec["anything-but"]
        return excluded is UNKNOWN or actual not in (excluded if isinstance(excluded, list) else [excluded])
    return True


def _targets_of(module: Module, rule: Block, targets: list[Block]) -> list[Block]:
    name = rule.value("name", UNKNOWN)
    found = []
    for target in targets:
        attr = target.get("rule")
        if attr is None or not enabled(target):
            continue
        if refers_to(module, attr, rule.address) or (isinstance(name, str) and attr.value() == name):
            found.append(target)
    return found


def _fix(module: Module, detector: Block, rule: Block | None) -> Fix | None:
    if uncopyable_meta(module, detector):
        return None  # the new resources could not have one instance per detector instance
    provider = detector.get("provider").source if detector.has("provider") else None
    label = free_name(module, "aws_cloudwatch_event_rule", f"{detector.name}_findings")
    rule_arns = _rule_arns(detector, rule, label)
    topic = _reusable_topic(module, provider)
    edits: list[TextEdit] = []
    blocks: list[str] = []
    meta = [*meta_arguments(detector), *([("provider", provider)] if provider else [])]
    if rule is None:
        blocks.append(
            HclBlock(
                f'resource "aws_cloudwatch_event_rule" "{label}"',
                [
                    *meta,
                    ("name", _rule_name(detector)),
                    ("description", hcl_string("GuardDuty findings, to be alerted on")),
                    (
                        "event_pattern",
                        "jsonencode("
                        + hcl_object(
                            [
                                ("source", f"[{hcl_string(SOURCE)}]"),
                                ('"detail-type"', f"[{hcl_string(DETAIL_TYPE)}]"),
                            ]
                        )
                        + ")",
                    ),
                ],
            ).render()
        )
    if topic is not None:
        topic_block, holder = topic
        topic_arn = f"{topic_block.address}.arn"
        statement = _events_statement(topic_arn, rule_arns)
        described = f"to {topic_block.address}"
        if holder is None:
            policy_label = free_name(module, "aws_sns_topic_policy", topic_block.name)
            edits.append(
                insert_after(
                    topic_block, _topic_policy(policy_label, topic_block, [_owner(topic_block), statement])
                )
            )
            described += f", adding aws_sns_topic_policy.{policy_label} that keeps the owner's access"
        elif not _allows_events(module, holder):
            edits.extend(append_statements(module, holder, [statement]))
            described += f", adding a statement for EventBridge to {holder.block.address}"
    else:
        # A counted detector (count = 0 where the organization manages GuardDuty) gets a counted
        # topic, so a disabled detector leaves nothing behind.
        counted = meta_arguments(detector) if detector.count is not None else []
        topic_label = free_name(module, "aws_sns_topic", f"{detector.name}_findings")
        index = "[count.index]" if counted else ""
        topic_arn = f"aws_sns_topic.{topic_label}{index}.arn"
        new_topic = HclBlock(
            f'resource "aws_sns_topic" "{topic_label}"',
            [
                *counted,
                *([("provider", provider)] if provider else []),
                ("name", hcl_string("guardduty-findings")),
            ],
        )
        rule_address = rule.address if rule is not None else f"aws_cloudwatch_event_rule.{label}"
        policy = _topic_policy(
            free_name(module, "aws_sns_topic_policy", topic_label),
            None,
            [_events_statement(topic_arn, f"{rule_address}{index}.arn" if counted else rule_arns)],
            arn=topic_arn,
            provider=provider,
            meta=counted,
        )
        blocks += [new_topic.render(), policy]
        described = f"to a new aws_sns_topic.{topic_label} (subscribe your responders to it)"
    target_label = free_name(module, "aws_cloudwatch_event_target", rule.name if rule else label)
    rule_ref = (
        f"{rule.address}.name"
        if rule is not None
        else instance_ref(detector, "name", f"aws_cloudwatch_event_rule.{label}")
    )
    target = HclBlock(
        f'resource "aws_cloudwatch_event_target" "{target_label}"',
        [*(meta if rule is None else []), ("rule", rule_ref), ("arn", topic_arn)],
    )
    blocks.insert(1 if rule is None else 0, target.render())
    anchor = rule if rule is not None else detector
    edits.insert(0, insert_after(anchor, "\n\n".join(blocks)))
    what = "Send" if rule is None else f"Add a target to {rule.address}, sending"
    return Fix.safe(f"{what} GuardDuty findings through EventBridge {described}", *edits)


def _rule_arns(detector: Block, rule: Block | None, label: str) -> str:
    address = rule.address if rule is not None else f"aws_cloudwatch_event_rule.{label}"
    counted = rule if rule is not None else detector
    if counted.count is not None:
        return f"{address}[*].arn"
    if counted.for_each is not None:
        return f"values({address})[*].arn"
    return f"{address}.arn"


def _rule_name(detector: Block) -> str:
    if detector.for_each is not None:
        return '"guardduty-findings-${each.key}"'
    return hcl_string("guardduty-findings")


def _reusable_topic(module: Module, provider: str | None) -> tuple[Block, Attribute | None] | None:
    """An SNS topic EventBridge can publish to, with the attribute holding its policy (None when it
    has no managed policy). Encrypted topics are left alone: EventBridge cannot use the aws/sns key,
    and a customer key would need its key policy changed too."""
    candidates = []
    for topic in module.resources("aws_sns_topic"):
        if topic.count is not None or topic.for_each is not None or not enabled(topic):
            continue
        own_provider = topic.get("provider").source if topic.has("provider") else None
        if own_provider != provider or topic.has("kms_master_key_id") or topic.value("fifo_topic", False):
            continue
        policies = [
            p
            for p in module.resources("aws_sns_topic_policy")
            if refers_to(module, p.get("arn"), topic.address)
        ]
        holders = [p.get("policy") for p in policies] + ([topic.get("policy")] if topic.has("policy") else [])
        if len(holders) > 1 or None in holders:
            continue  # two policies fight over one topic: not ours to untangle
        holder = holders[0] if holders else None
        if holder is not None and not _allows_events(module, holder) and not _extendable(module, holder):
            continue
        candidates.append((topic, holder))
    preferred = [c for c in candidates if _PREFERRED_TOPIC.search(c[0].name)]
    return (preferred or candidates or [None])[0]


def _extendable(module: Module, holder: Attribute) -> bool:
    probe = Statement.grant("probe", _EVENTS, ("sns:Publish",), ("x",))
    return bool(append_statements(module, holder, [probe]))


def _allows_events(module: Module, holder: Attribute) -> bool:
    document = read_policy(module, holder)
    for statement in document.statements if document is not None else []:
        if statement.effect != "Allow" or not isinstance(statement.actions, list):
            continue
        actions = [a for a in statement.actions if isinstance(a, str)]
        if _EVENTS in statement.services() and any(action_matches(a, "sns:Publish") for a in actions):
            return True
    return False


def _events_statement(topic_arn: str, rule_arns: str) -> Statement:
    return Statement.grant(
        "GuardDutyFindingsFromEventBridge",
        _EVENTS,
        ("sns:Publish",),
        (topic_arn,),
        (("ArnEquals", "aws:SourceArn", rule_arns),),
    )


def _owner(topic: Block) -> Statement:
    return Statement.grant(
        "TopicOwner",
        "*",
        _DEFAULT_TOPIC_ACTIONS,
        (f"{topic.address}.arn",),
        (("StringEquals", "AWS:SourceOwner", f"{topic.address}.owner"),),
        principal_type="AWS",
    )


def _topic_policy(
    label: str,
    topic: Block | None,
    new: list[Statement],
    *,
    arn: str | None = None,
    provider: str | None = None,
    meta: list[tuple[str, str]] | None = None,
) -> str:
    arn = arn or f"{topic.address}.arn"
    provider = provider or (
        topic.get("provider").source if topic is not None and topic.has("provider") else None
    )
    document = hcl_object(
        [("Version", hcl_string("2012-10-17")), ("Statement", hcl_tuple([s.as_object() for s in new]))]
    )
    return HclBlock(
        f'resource "aws_sns_topic_policy" "{label}"',
        [
            *(meta or []),
            *([("provider", provider)] if provider else []),
            ("arn", arn),
            ("policy", f"jsonencode({document})"),
        ],
    ).render()
