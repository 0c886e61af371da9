"""TAP303: compute whose logs go to a CloudWatch log group the module does not define (so it has
no retention), or, for instances, nowhere at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fixers.aws.cloudwatch_agent import agent_config, configs_loaded
from fixers.aws.instances import launch_blocks, stock_image
from fixers.aws.log_groups import retention_source
from fixers.aws.user_data import commands, user_data
from fixers.companions import (
    enabled,
    free_name,
    instance_ref,
    known_count,
    meta_arguments,
    passed_to_module,
    refers_to,
    targets,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_string, insert_after, reusable_source, string_with
from fixers.evaluate import UNKNOWN, evaluate, is_known
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Expr, Object, json_value

RULE = Rule(
    id="TAP303",
    name="log-groups-missing",
    severity=Severity.MEDIUM,
    why="A log group a service creates itself never expires, and instance logs nobody ships die with the instance.",
    fix=Applicability.UNSAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# Anything in user data that ships logs off the instance (or may: we then stay quiet).
_SHIPPERS = re.compile(
    r"cloudwatch|awslogs|fluent-?bit|fluentd|td-agent|vector|datadog|dd-agent|splunk|filebeat|promtail|"
    r"otelcol|aws-otel|opentelemetry|newrelic|sumo|logstash|rsyslog|syslog-ng|journal-upload",
    re.I,
)
_APP_LOG_PATH = re.compile(r"/var/log/([A-Za-z0-9._-]+)")
_SYSTEM_LOGS = re.compile(
    r"^(cloud-init|user[-_]data|messages|syslog|secure|audit|amazon|ecs|journal|dnf|yum)", re.I
)


@dataclass(frozen=True)
class _Group:
    """A log group's name, evaluated once per check (per instance when counted)."""

    attr: Attribute
    names: frozenset[str]
    fully_known: bool


def _log_groups(module: Module) -> list[_Group]:
    found = []
    for group in module.resources("aws_cloudwatch_log_group"):
        attr = group.get("name")
        if attr is None or not enabled(group):
            continue  # name_prefix: a random suffix, never a service's fixed name
        names = _names(group, attr)
        known = frozenset(n for n in names if isinstance(n, str))
        found.append(_Group(attr, known, all(is_known(n) for n in names)))
    return found


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    groups = _log_groups(module)
    for function in module.resources("aws_lambda_function"):
        yield from _lambda(module, function, groups)
    for task in module.resources("aws_ecs_task_definition"):
        yield from _ecs(module, task, groups)
    for parameter in module.resources("aws_ssm_parameter"):
        yield from _agent_config(module, parameter, groups)
    for compute in module.resources("aws_autoscaling_group", "aws_instance"):
        yield from _unshipped(module, compute)


# --- which log groups exist ------------------------------------------------------------------------


def _scopes(block: Block) -> list[dict[str, Any]] | None:
    """One evaluation scope per instance of a counted block, or None when they cannot be listed."""
    if block.count is not None:
        count = known_count(block.count.value())
        if count is None:
            return None
        return [{"count": {"index": i}} for i in range(count)]
    if block.for_each is not None:
        each = block.for_each.value()
        if isinstance(each, dict):
            return [{"each": {"key": k, "value": v}} for k, v in each.items()]
        if isinstance(each, list) and all(isinstance(v, str) for v in each):
            return [{"each": {"key": v, "value": v}} for v in each]
        return None
    return [{}]


def _names(block: Block, attr: Attribute | None) -> list[Any]:
    """The values `attr` takes across the block's instances (UNKNOWN where not known)."""
    if attr is None:
        return []
    scopes = _scopes(block)
    if scopes is None:
        return [UNKNOWN]
    return [attr.value(scope) for scope in scopes]


def _defined(module: Module, groups: list[_Group], name: str, subject: Block) -> bool | None:
    """Does the module define a log group called `name`? None when a group's name is unknown and
    could be that one."""
    unsure = False
    for group in groups:
        if name in group.names:
            return True
        if group.fully_known:
            continue
        if refers_to(module, group.attr, subject.address):
            return True
        if not _named_after_other_resources(module, group.attr, subject):
            unsure = True
    return None if unsure else False


def _named_after_other_resources(module: Module, attr: Attribute, subject: Block) -> bool:
    """A name built from other resources' attributes (`/aws/vpc-flow-logs/${aws_vpc.main.id}`)
    belongs to those resources, not to the subject."""
    found = targets(attr)
    return bool(found) and all(
        not t.startswith(("var.", "local.", "data.")) and t != subject.address for t in found
    )


def _group_block(module: Module, served: Block, label: str, name_src: str, counted: bool) -> str:
    return HclBlock(
        f'resource "aws_cloudwatch_log_group" "{label}"',
        [
            *(meta_arguments(served) if counted else []),
            ("name", name_src),
            ("retention_in_days", retention_source(module)),
        ],
    ).render()


def _import_hint(label: str, name: Any, counted: bool) -> str:
    if counted or not isinstance(name, str):
        return "if the service already created the groups, import them first"
    return f"if it already exists, import it first: terraform import aws_cloudwatch_log_group.{label} {name}"


# --- Lambda ----------------------------------------------------------------------------------------


def _lambda(module: Module, function: Block, groups: list[_Group]) -> Iterator[Finding]:
    if not enabled(function) or passed_to_module(module, function):
        return
    configs = function.nested("logging_config")
    custom = configs[0].get("log_group") if configs else None
    if function.dynamic("logging_config"):
        return
    source = custom or function.get("function_name")
    names = _names(function, source)
    if not names or not all(isinstance(n, str) for n in names):
        return
    expected = names if custom is not None else [f"/aws/lambda/{n}" for n in names]
    missing = []
    for name in expected:
        found = _defined(module, groups, name, function)
        if found is None:
            return
        if not found:
            missing.append(name)
    if not missing:
        return
    counted = function.count is not None or function.for_each is not None
    label = free_name(module, "aws_cloudwatch_log_group", function.name)
    if custom is not None:
        name_src = custom.source if reusable_source(custom) else hcl_string(missing[0])
        if counted and not reusable_source(custom):
            return  # per-instance custom groups we could only guess
    elif reusable_source(function.get("function_name")):
        name_src = string_with(function.get("function_name"), prefix="/aws/lambda/")
    else:
        name_src = f'"/aws/lambda/${{{instance_ref(function, "function_name")}}}"'
    shown = missing[0] if len(missing) == 1 else f"{missing[0]} (and {len(missing) - 1} more)"
    yield RULE.finding(
        function,
        f"{function.address} logs to {shown}, which no aws_cloudwatch_log_group defines: Lambda "
        "creates it on first run with no retention, so its logs are kept (and billed) forever",
        key=missing[0],
        # A count/for_each a copy would not reproduce: no log group we can trust.
        fix=None
        if counted and uncopyable_meta(module, function)
        else Fix.unsafe(
            f"Add aws_cloudwatch_log_group.{label} with retention; {_import_hint(label, missing[0], counted)}",
            insert_after(function, _group_block(module, function, label, name_src, counted)),
        ),
    )


# --- ECS ---------------------------------------------------------------------------------------------


def _ecs(module: Module, task: Block, groups: list[_Group]) -> Iterator[Finding]:
    if not enabled(task) or task.count is not None or task.for_each is not None:
        return
    attr = task.get("container_definitions")
    containers = _containers(module, attr)
    if containers is None:
        return
    reported: set[str] = set()
    for container in containers:
        config = container.get("logConfiguration") if isinstance(container, dict) else None
        if not isinstance(config, dict) or config.get("logDriver") != "awslogs":
            continue
        options = config.get("options")
        if not isinstance(options, dict):
            continue
        name, create = options.get("awslogs-group"), options.get("awslogs-create-group")
        if not isinstance(name, str) or name in reported or create is UNKNOWN:
            continue
        found = _defined(module, groups, name, task)
        if found is not False:
            continue
        reported.add(name)
        container_name = container.get("name") if isinstance(container.get("name"), str) else "?"
        consequence = (
            "ECS creates it with no retention, so its logs are kept (and billed) forever"
            if str(create).lower() == "true"
            else "without awslogs-create-group the tasks fail to start until it exists"
        )
        wanted = task.name if len(_awslogs_groups(containers)) == 1 else name.rstrip("/").rsplit("/", 1)[-1]
        label = free_name(module, "aws_cloudwatch_log_group", _identifier(wanted))
        value = _written(module, attr, "awslogs-group", name)
        name_src = value.source if value is not None and reusable_source(value) else hcl_string(name)
        yield RULE.finding(
            attr,
            f'{task.address}: container "{container_name}" logs to awslogs group {name}, which no '
            f"aws_cloudwatch_log_group defines: {consequence}",
            key=name,
            fix=Fix.unsafe(
                f"Add aws_cloudwatch_log_group.{label} with retention; {_import_hint(label, name, False)}",
                insert_after(task, _group_block(module, task, label, name_src, False)),
            ),
        )


def _awslogs_groups(containers: list[Any]) -> set[Any]:
    groups = set()
    for container in containers:
        config = container.get("logConfiguration") if isinstance(container, dict) else None
        if isinstance(config, dict) and config.get("logDriver") == "awslogs":
            options = config.get("options")
            groups.add(options.get("awslogs-group") if isinstance(options, dict) else None)
    return groups


def _containers(module: Module, attr: Attribute | None) -> list[Any] | None:
    if attr is None:
        return None
    try:
        value = json_value(module, attr)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def _written(module: Module, attr: Attribute | None, key: str, value: str) -> Expr | None:
    """Where `key = <value>` is written in `attr` (the first object key of that name, at any depth,
    whose value is `value`): a new log group copies its source."""
    if attr is None:
        return None
    for expr in attr.expression.walk():
        if not (isinstance(expr, Object) and expr.positioned):
            continue  # an object inside a heredoc's ${...} has no position in the file
        for item in expr.items:
            if item.name == key and evaluate(module, item.value) == value:
                return item.value
    return None


def _identifier(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    return cleaned if cleaned and not cleaned[0].isdigit() else f"logs_{cleaned}"


# --- CloudWatch agent configurations ---------------------------------------------------------------


def _agent_config(module: Module, parameter: Block, groups: list[_Group]) -> Iterator[Finding]:
    if not enabled(parameter) or parameter.count is not None or parameter.for_each is not None:
        return
    config = agent_config(module, parameter)
    if not isinstance(config, dict):
        return
    logs = config.get("logs")
    collected = logs.get("logs_collected") if isinstance(logs, dict) else None
    if not isinstance(collected, dict):
        return
    entries = []
    for section in ("files", "windows_events"):
        part = collected.get(section)
        items = part.get("collect_list") if isinstance(part, dict) else None
        entries.extend(e for e in items or [] if isinstance(e, dict))
    reported: set[str] = set()
    for entry in entries:
        name = entry.get("log_group_name")
        if not isinstance(name, str) or "{" in name or name in reported or "retention_in_days" in entry:
            continue  # placeholders name a group per instance; an entry with retention sets it itself
        if _defined(module, groups, name, parameter) is not False:
            continue
        reported.add(name)
        attr = parameter.get("value") or parameter.get("insecure_value")
        value = _written(module, attr, "log_group_name", name)
        name_src = value.source if value is not None and reusable_source(value) else hcl_string(name)
        label = free_name(module, "aws_cloudwatch_log_group", _identifier(name.rsplit("/", 1)[-1] or name))
        what = entry.get("file_path") or entry.get("event_name") or "a log"
        yield RULE.finding(
            parameter,
            f"{parameter.address} (CloudWatch agent config) ships {what} to log group {name}, which no "
            "aws_cloudwatch_log_group defines: the agent creates it with no retention, so the logs are "
            "kept (and billed) forever",
            key=name,
            fix=Fix.unsafe(
                f"Add aws_cloudwatch_log_group.{label} with retention; {_import_hint(label, name, False)}",
                insert_after(parameter, _group_block(module, parameter, label, name_src, False)),
            ),
        )


# --- instances whose logs nothing ships --------------------------------------------------------------


def _unshipped(module: Module, compute: Block) -> Iterator[Finding]:
    if not enabled(compute) or passed_to_module(module, compute):
        return
    launches = launch_blocks(module, compute)
    if launches is None:
        return
    images = [launch for launch in launches if launch.has("image_id") or launch.has("ami")]
    if not images or not all(stock_image(module, launch) for launch in images):
        return  # a custom AMI may ship logs with an agent baked in
    scripts = [(launch, user_data(launch).text) for launch in launches]
    if any(text is None for _, text in scripts):
        return
    scripts = [(launch, text) for launch, text in scripts if text]
    if not scripts or any(_ships_logs(module, text) for _, text in scripts):
        return
    paths = sorted(
        {
            f"/var/log/{m.group(1)}"
            for _, text in scripts
            for m in _APP_LOG_PATH.finditer(text)
            if not _SYSTEM_LOGS.match(m.group(1))
        }
    )
    if not paths:
        return
    holder = next(launch for launch, text in scripts if paths[0] in text)
    where = "its user data" if holder is compute else f"user data of {holder.address}"
    if (path := user_data(holder).file) is not None:
        where += f" in {path}"
    yield RULE.finding(
        compute,
        f"{compute.address} writes {', '.join(paths)} ({where}) but nothing ships those logs to "
        "CloudWatch Logs: the AMI is a stock image and the user data installs no CloudWatch agent or "
        "other log shipper, so the logs are lost whenever an instance is replaced",
    )


def _ships_logs(module: Module, script: str) -> bool:
    """True when user data may ship logs. The CloudWatch agent counts only when one of the
    configurations it fetches has a `logs` section (or is not in the module)."""
    script = commands(script)
    if "amazon-cloudwatch-agent" in script:
        configs = configs_loaded(module, script)
        if configs is None or any("logs" in c for c in configs):
            return True
        script = script.replace("amazon-cloudwatch-agent", "")
    return _SHIPPERS.search(commands(script)) is not None
