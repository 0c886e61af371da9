"""TAP302: alarms or scaling policies on CloudWatch agent metrics that no agent publishes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fixers.aws.cloudwatch_agent import PARAMETER_PREFIX, looks_like_agent_config
from fixers.aws.instances import instance_role, launch_blocks, stock_image
from fixers.aws.user_data import commands, package_manager, user_data
from fixers.companions import enabled, free_name, passed_to_module, referenced, refers_to
from fixers.config import RuleOptions
from fixers.edits import (
    HclBlock,
    append_to_heredoc,
    hcl_list,
    hcl_object,
    hcl_string,
    insert_after,
    string_with,
)
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Expr, Object, known_parts

RULE = Rule(
    id="TAP302",
    name="cwagent-metric-without-agent",
    severity=Severity.HIGH,
    why="An alarm on a metric nothing publishes never fires: it sits in INSUFFICIENT_DATA or OK forever.",
    fix=(Applicability.UNSAFE, Applicability.DISPLAY_ONLY),
    fix_availability=FixAvailability.SOMETIMES,
)

NAMESPACE = "CWAgent"
AGENT_POLICY = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
# EC2 dimensions the agent can add to every metric (append_dimensions), as it spells their values.
_EC2_DIMENSIONS = {
    "AutoScalingGroupName": "$${aws:AutoScalingGroupName}",
    "InstanceId": "$${aws:InstanceId}",
    "ImageId": "$${aws:ImageId}",
    "InstanceType": "$${aws:InstanceType}",
}
# Agent plugin (metrics_collected section) by metric name prefix, with the dimensions it adds itself
# and whether it collects per resource (disks, cores, interfaces).
_PLUGINS = {
    "mem": ((), False),
    "swap": ((), False),
    "processes": ((), False),
    "netstat": ((), False),
    "disk": (("path", "device", "fstype"), True),
    "diskio": (("name",), True),
    "cpu": (("cpu",), True),
    "net": (("interface",), True),
}


@dataclass
class Watch:
    """One CWAgent metric an alarm or scaling policy reads."""

    block: Block
    at: Attribute | Block
    metric: str
    dimensions: dict[str, Attribute | Expr | None]  # name -> where its value is written, when known


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    watches = [w for b in module.resources("aws_cloudwatch_metric_alarm") for w in _alarm_watches(b)]
    watches += [w for b in module.resources("aws_autoscaling_policy") for w in _policy_watches(b)]
    if not watches or _agent_configured(module):
        return
    for watch in watches:
        computes = _computes(module, watch)
        if not computes or any(_may_run_agent(module, c) for c in computes):
            continue
        dims = ", ".join(watch.dimensions) or "no dimensions"
        consequence = (
            "the policy never scales"
            if watch.block.resource_type == "aws_autoscaling_policy"
            else "the alarm can never fire"
        )
        names = ", ".join(c.address for c in computes)
        files = "".join(
            dict.fromkeys(user_data(b).file_note for c in computes for b in launch_blocks(module, c) or [])
        )
        yield RULE.finding(
            watch.at,
            f"{watch.block.address} reads {NAMESPACE} metric {watch.metric} (by {dims}) but no CloudWatch "
            f"agent configuration reaches {names}: no {PARAMETER_PREFIX}* SSM parameter and no "
            f"amazon-cloudwatch-agent-ctl in user data{files}, so the metric is never published and {consequence}",
            resource=watch.block.address,
            key=watch.metric,
            fix=_fix(module, computes[0], [w for w in watches if _computes(module, w) == computes])
            if len(computes) == 1
            else None,
        )


# --- what reads agent metrics ------------------------------------------------------------------------


def _alarm_watches(alarm: Block) -> list[Watch]:
    if not enabled(alarm):
        return []
    found = []
    if alarm.value("namespace", UNKNOWN) == NAMESPACE:
        metric = alarm.value("metric_name", UNKNOWN)
        dims = _dimension_map(alarm.get("dimensions"))
        if isinstance(metric, str) and dims is not None:
            found.append(Watch(alarm, alarm, metric, dims))
    for query in alarm.nested("metric_query"):
        for spec in query.nested("metric"):
            metric = spec.value("metric_name", UNKNOWN)
            dims = _dimension_map(spec.get("dimensions"))
            if spec.value("namespace", UNKNOWN) == NAMESPACE and isinstance(metric, str) and dims is not None:
                found.append(Watch(alarm, query, metric, dims))
    return found


def _dimension_map(attr: Attribute | None) -> dict[str, Attribute | Expr | None] | None:
    if attr is None:
        return {}
    written = attr.expression
    value = known_parts(attr.block.module, written)
    if not isinstance(value, dict):
        return None
    return {name: written.get(name) if isinstance(written, Object) else None for name in value}


def _policy_watches(policy: Block) -> list[Watch]:
    if not enabled(policy):
        return []
    found = []
    for tracking in policy.nested("target_tracking_configuration"):
        for spec in tracking.nested("customized_metric_specification"):
            metric = spec.value("metric_name", UNKNOWN)
            if spec.value("namespace", UNKNOWN) == NAMESPACE and isinstance(metric, str):
                dims = {d.value("name"): d.get("value") for d in spec.nested("metric_dimension")}
                if all(isinstance(k, str) for k in dims):
                    found.append(Watch(policy, policy, metric, dims))
            for metrics in spec.nested("metrics"):
                for stat in metrics.nested("metric_stat"):
                    for metric_block in stat.nested("metric"):
                        metric = metric_block.value("metric_name", UNKNOWN)
                        if metric_block.value("namespace", UNKNOWN) != NAMESPACE or not isinstance(
                            metric, str
                        ):
                            continue
                        dims = {d.value("name"): d.get("value") for d in metric_block.nested("dimensions")}
                        if all(isinstance(k, str) for k in dims):
                            found.append(Watch(policy, policy, metric, dims))
    return found


def _computes(module: Module, watch: Watch) -> list[Block]:
    """The ASGs or instances whose agent must publish the metric."""
    found: list[Block] = []
    if watch.block.resource_type == "aws_autoscaling_policy":
        found += referenced(module, watch.block.get("autoscaling_group_name"), "aws_autoscaling_group")
    for name, attr in watch.dimensions.items():
        kind = {"AutoScalingGroupName": "aws_autoscaling_group", "InstanceId": "aws_instance"}.get(name)
        if kind is not None and attr is not None:
            found += [b for b in referenced(module, attr, kind) if b not in found]
    if not found and not watch.dimensions:
        found = [c for c in module.resources("aws_autoscaling_group", "aws_instance") if enabled(c)]
    return found


# --- where an agent may already come from ------------------------------------------------------------


def _agent_configured(module: Module) -> bool:
    for parameter in module.resources("aws_ssm_parameter"):
        name = parameter.value("name", UNKNOWN)
        if isinstance(name, str) and name.startswith(PARAMETER_PREFIX):
            return True
        if name is UNKNOWN and looks_like_agent_config(parameter):
            return True
    for association in module.resources("aws_ssm_association"):
        document = association.value("name", UNKNOWN)
        if document is UNKNOWN or document == "AmazonCloudWatch-ManageAgent":
            return True
    return False


def _may_run_agent(module: Module, compute: Block) -> bool:
    """True unless the instances surely run no CloudWatch agent: a stock AMI whose user data (all
    of it readable) never mentions the agent."""
    if not enabled(compute) or passed_to_module(module, compute):
        return True
    launches = launch_blocks(module, compute)
    if launches is None:
        return True
    images = [launch for launch in launches if launch.has("image_id") or launch.has("ami")]
    if not images or not all(stock_image(module, launch) for launch in images):
        return True
    for launch in launches:
        text = user_data(launch).text
        if text is None or "amazon-cloudwatch-agent" in commands(text):
            return True
    return False


# --- the fix ---------------------------------------------------------------------------------------------


def _fix(module: Module, compute: Block, watches: list[Watch]) -> Fix | None:
    config = _agent_config(watches)
    if config is None:
        return None
    launches = launch_blocks(module, compute) or []
    launch = next((b for b in launches if user_data(b).text), launches[0] if launches else None)
    if launch is None:
        return None
    label = free_name(module, "aws_ssm_parameter", f"{compute.name}_cwagent")
    name = string_with(compute.get("name"), prefix=PARAMETER_PREFIX, fallback=compute.name)
    if compute.get("name") is None:
        name = hcl_string(f"{PARAMETER_PREFIX}{compute.name}")
    parameter = HclBlock(
        f'resource "aws_ssm_parameter" "{label}"',
        [("name", name), ("type", hcl_string("String")), ("value", f"jsonencode({config})")],
    )
    edits: list[TextEdit] = [insert_after(launch, parameter.render())]
    parts = [f"aws_ssm_parameter.{label} (agent config for {', '.join(sorted({w.metric for w in watches}))})"]
    missing = []
    role = instance_role(module, launch)
    if role is None:
        missing.append("an instance role allowed to read the parameter and publish metrics")
    elif not _has_agent_policy(module, role):
        attachment = free_name(module, "aws_iam_role_policy_attachment", f"{role.name}_cwagent")
        edits.append(
            insert_after(
                role,
                HclBlock(
                    f'resource "aws_iam_role_policy_attachment" "{attachment}"',
                    [("role", f"{role.address}.name"), ("policy_arn", hcl_string(AGENT_POLICY))],
                ).render(),
            )
        )
        parts.append(f"CloudWatchAgentServerPolicy on {role.address}")
    start = _start_agent(launch, label)
    if start is None:
        missing.append(f"starting the agent in the user data of {launch.address}")
    else:
        edits.append(start)
        parts.append(f"the agent started by the user data of {launch.address}")
    description = "Add " + ", ".join(parts)
    if missing:
        return Fix.display_only(description + "; still needed: " + "; ".join(missing), *edits)
    # cloud-init runs user data at first boot only, so running instances keep going without the agent.
    return Fix.unsafe(description + " (user data runs at first boot: replace the running instances)", *edits)


def _agent_config(watches: list[Watch]) -> str | None:
    sections: dict[str, list[str]] = {}
    appended: list[str] = []
    aggregations: list[list[str]] = []
    for watch in watches:
        plugin = _PLUGINS.get(watch.metric.split("_", 1)[0])
        if plugin is None:
            return None  # a metric of another plugin (procstat, statsd, ...): we would guess its config
        own_dims, per_resource = plugin
        ec2 = [d for d in watch.dimensions if d in _EC2_DIMENSIONS]
        if any(d not in _EC2_DIMENSIONS and d not in own_dims for d in watch.dimensions):
            return None
        section = watch.metric.split("_", 1)[0]
        measurements = sections.setdefault(section, [])
        if watch.metric not in measurements:
            measurements.append(watch.metric)
        for name in ec2:
            if name not in appended:
                appended.append(name)
        published = set(appended) | set(own_dims if per_resource else ())
        if set(watch.dimensions) != published and sorted(watch.dimensions) not in aggregations:
            aggregations.append(sorted(watch.dimensions))
    if "InstanceId" not in appended:
        appended.append("InstanceId")
    # Series carry every appended dimension: an alarm keyed on fewer needs the rolled-up series.
    for watch in watches:
        own = _PLUGINS[watch.metric.split("_", 1)[0]]
        published = set(appended) | set(own[0] if own[1] else ())
        if set(watch.dimensions) != published and sorted(watch.dimensions) not in aggregations:
            aggregations.append(sorted(watch.dimensions))
    collected = []
    for section, measurements in sections.items():
        items: list[tuple[str, str] | None] = [("measurement", hcl_list(hcl_string(m) for m in measurements))]
        if _PLUGINS[section][1]:
            items.insert(0, ("resources", hcl_list([hcl_string("*")])))
        collected.append((section, hcl_object(items)))
    metrics: list[tuple[str, str] | None] = [
        ("append_dimensions", hcl_object([(d, f'"{_EC2_DIMENSIONS[d]}"') for d in appended]))
    ]
    if aggregations:
        metrics.append(
            ("aggregation_dimensions", hcl_list(hcl_list(hcl_string(d) for d in a) for a in aggregations))
        )
    metrics.append(("metrics_collected", hcl_object(collected)))
    return hcl_object([("metrics", hcl_object(metrics))])


def _has_agent_policy(module: Module, role: Block) -> bool:
    managed = role.value("managed_policy_arns", [])
    if managed is UNKNOWN or (isinstance(managed, list) and AGENT_POLICY in managed):
        return True
    for attachment in module.resources("aws_iam_role_policy_attachment"):
        if attachment.get("role") is not None and refers_to(module, attachment.get("role"), role.address):
            arn = attachment.value("policy_arn", UNKNOWN)
            if arn is UNKNOWN or arn == AGENT_POLICY:
                return True
    return False


def _start_agent(launch: Block, parameter: str) -> TextEdit | None:
    """Shell lines that install the agent and load its configuration, appended to a heredoc
    script written in the module; None when the script is elsewhere or its package manager unknown."""
    data = user_data(launch)
    manager = package_manager(data.text or "")
    if data.script is None or manager is None:
        return None
    return append_to_heredoc(
        data.script,
        [
            "# Publishes the CWAgent metrics the alarms and scaling policies read.",
            f"{manager} install -y amazon-cloudwatch-agent",
            "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s "
            f"-c ssm:${{aws_ssm_parameter.{parameter}.name}}",
        ],
    )
