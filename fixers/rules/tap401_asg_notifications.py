"""TAP401: an Auto Scaling group that reports its launch and termination failures to nobody."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.companions import free_name, instance_count, instance_ref, meta_arguments, uncopyable_meta
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_string, insert_after
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module
from fixers.rules._asg import groups, names_group

RULE = Rule(
    id="TAP401",
    name="asg-notifications-missing",
    severity=Severity.LOW,
    why="A group that cannot launch instances retries quietly; only a notification makes it visible.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
    default=False,  # precision on public code: see its docs page
)

NOTIFICATIONS = ("autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR")
_ALARM_ACTIONS = ("alarm_actions", "ok_actions", "insufficient_data_actions")


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    if _events_rule_for_autoscaling(module):
        return  # an EventBridge rule on aws.autoscaling events: its targets get every group's events
    notifications = [n for n in module.resources("aws_autoscaling_notification") if instance_count(n) != 0]
    unnotified = []
    for group in groups(module):
        if any(names_group(module, n.get("group_names"), group, n) is not False for n in notifications):
            continue
        unnotified.append(group)
    if not unnotified:
        return
    topic, topic_text = _topic(module, unnotified[0])
    for group in unnotified:
        yield RULE.finding(
            group,
            f"{group.address} has no aws_autoscaling_notification: when it cannot launch or terminate "
            "instances (a missing AMI, no capacity, a full subnet) it retries silently",
            fix=_fix(module, group, unnotified[0], topic, topic_text),
        )


def _events_rule_for_autoscaling(module: Module) -> bool:
    for rule in module.resources("aws_cloudwatch_event_rule"):
        pattern = rule.get("event_pattern")
        if pattern is not None and "aws.autoscaling" in pattern.source and instance_count(rule) != 0:
            return True
    return False


def _alerting_topics(module: Module) -> list[Block]:
    """SNS topics the module already sends alarms or Auto Scaling notifications to (once per
    module: the fix of every group asks)."""
    return list(module.memo("alerting topics", lambda: _collect_alerting_topics(module)))


def _collect_alerting_topics(module: Module) -> tuple[Block, ...]:
    found: dict[int, Block] = {}
    sources = [
        a
        for alarm in module.resources("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
        for name in _ALARM_ACTIONS
        if (a := alarm.get(name)) is not None
    ]
    sources += [
        a for n in module.resources("aws_autoscaling_notification") if (a := n.get("topic_arn")) is not None
    ]
    for attr in sources:
        for address, _ in module.reference_graph().mentions(attr):
            if address.kind == "resource" and address.type == "aws_sns_topic":
                topic = module.find(address.node)
                if topic is not None:
                    found.setdefault(id(topic), topic)
    return tuple(found.values())


def _topic(module: Module, first: Block) -> tuple[str, str | None]:
    """The topic ARN expression to notify, and the text of a new topic when one is needed."""
    existing = _alerting_topics(module)
    if len(existing) == 1:
        topic = existing[0]
        fifo = topic.value("fifo_topic", False)
        if topic.count is None and topic.for_each is None and fifo is False:
            return f"{topic.address}.arn", None
    label = free_name(module, "aws_sns_topic", f"{first.name}_notifications")
    items: list = []
    name = first.get("name")
    if name is not None and first.count is None and first.for_each is None:
        items.append(("name", _with_suffix(name.source, "-notifications")))
    elif first.has("name_prefix") and first.count is None and first.for_each is None:
        items.append(("name_prefix", _with_suffix(first.get("name_prefix").source, "notifications-")))
    else:
        items.append(("name_prefix", hcl_string(f"{first.name.replace('_', '-')}-notifications-")))
    text = HclBlock(f'resource "aws_sns_topic" "{label}"', items).render()
    return f"aws_sns_topic.{label}.arn", text


def _with_suffix(source: str, suffix: str) -> str:
    """A string expression: the value of `source` followed by a literal suffix."""
    source = source.strip()
    if source.startswith('"') and source.endswith('"') and "\n" not in source:
        return source[:-1] + suffix + '"'
    return f'"${{{source}}}{suffix}"'


def _notification(module: Module, group: Block, topic_arn: str) -> str:
    label = free_name(module, "aws_autoscaling_notification", group.name)
    listed = "[\n" + "".join(f"  {hcl_string(n)},\n" for n in NOTIFICATIONS) + "]"
    meta = meta_arguments(group)
    return HclBlock(
        f'resource "aws_autoscaling_notification" "{label}"',
        [
            *meta,
            ("group_names", f"[{instance_ref(group, 'name')}]"),
            ("notifications", listed),
            ("topic_arn", topic_arn),
        ],
    ).render()


def _fix(module: Module, group: Block, first: Block, topic_arn: str, topic_text: str | None) -> Fix | None:
    if uncopyable_meta(module, group):
        return None  # the notification could not have one instance per group instance
    notification = _notification(module, group, topic_arn)
    topics = _alerting_topics(module)
    why_new = (
        f" (the module alerts through {len(topics)} topics: {', '.join(t.address for t in topics)}); "
        if len(topics) > 1
        else "; "
    ) + "subscribe whoever must act on them"
    edits: list[TextEdit] = []
    if topic_text is None:
        described = f"Notify {topic_arn.removesuffix('.arn')} of launch and terminate errors"
        edits.append(insert_after(group, notification))
    elif group is first:
        described = f"Notify a new {topic_arn.removesuffix('.arn')} of launch and terminate errors{why_new}"
        edits.append(insert_after(group, topic_text + "\n\n" + notification))
    else:
        # The topic goes where the first group's fix puts it, so two fixes in one pass never both
        # add a topic; this one then waits a pass and reuses it.
        described = f"Notify a new {topic_arn.removesuffix('.arn')} of launch and terminate errors{why_new}"
        edits += [insert_after(first, topic_text), insert_after(group, notification)]
    return Fix.safe(described, *edits)
