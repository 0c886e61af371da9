"""TAP301: X-Ray half set up: write access granted but nothing traced, or a daemon that may not
write."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixers.aws.cloudwatch_agent import configs_loaded
from fixers.aws.iam import grants
from fixers.aws.instances import instance_role, role_consumers, stock_image
from fixers.aws.user_data import commands, package_manager, user_data
from fixers.companions import enabled, free_name, referenced, refers_to
from fixers.config import RuleOptions
from fixers.edits import (
    HclBlock,
    append_to_heredoc,
    hcl_string,
    insert_after,
    insert_nested_block,
    replace_value,
)
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module

RULE = Rule(
    id="TAP301",
    name="xray-not-configured",
    severity=Severity.HIGH,
    why="X-Ray access without a traced workload (or a daemon without access) records no trace at all.",
    fix=(Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY),
    fix_availability=FixAvailability.ALWAYS,
)

# Managed policies whose purpose is X-Ray. CloudWatchAgentServerPolicy also allows
# xray:PutTraceSegments, but for the agent: attaching it says nothing about wanting traces.
_XRAY_POLICY = re.compile(r"iam::aws:policy/AWSXRay(DaemonWriteAccess|WriteOnlyAccess|FullAccess)$", re.I)
_AGENT_POLICY = re.compile(r"iam::aws:policy/CloudWatchAgentServerPolicy$")
_WRITE = "xray:PutTraceSegments"
DAEMON_RPM = (
    "https://s3.us-east-2.amazonaws.com/aws-xray-assets.us-east-2/xray-daemon/aws-xray-daemon-3.x.rpm"
)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    traced = _module_traced(module)
    for grant, role in _grants(module):
        yield from _unused_grant(module, grant, role, traced)
    for launcher in module.resources("aws_launch_template", "aws_launch_configuration", "aws_instance"):
        yield from _daemon_without_access(module, launcher)


# --- what grants X-Ray write access, and to whom --------------------------------------------------


def _grants(module: Module) -> Iterator[tuple[Block, Block]]:
    """(the resource granting X-Ray write access on purpose, the role it grants it to)."""
    for attachment in module.resources("aws_iam_role_policy_attachment"):
        if not enabled(attachment) or not _xray_policy_arn(module, attachment.get("policy_arn")):
            continue
        for role in referenced(module, attachment.get("role"), "aws_iam_role"):
            yield attachment, role
    for policy in module.resources("aws_iam_role_policy"):
        if enabled(policy) and grants(module, policy.get("policy"), _WRITE) is True:
            for role in referenced(module, policy.get("role"), "aws_iam_role"):
                yield policy, role
    for role in module.resources("aws_iam_role"):
        managed = role.value("managed_policy_arns", [])
        managed = managed if isinstance(managed, list) else []
        inline = [b.get("policy") for b in role.nested("inline_policy")]
        if any(isinstance(a, str) and _XRAY_POLICY.search(a) for a in managed) or any(
            grants(module, p, _WRITE) is True for p in inline if p is not None
        ):
            yield role, role


def _xray_policy_arn(module: Module, attr: Attribute | None) -> bool:
    if attr is None:
        return False
    value = attr.value()
    if isinstance(value, str):
        return _XRAY_POLICY.search(value) is not None
    if _XRAY_POLICY.search(attr.source.strip('"')):
        return True  # "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRay..."
    return any(
        grants(module, p.get("policy"), _WRITE) is True for p in referenced(module, attr, "aws_iam_policy")
    )


def _may_write_traces(module: Module, role: Block) -> bool | None:
    """Can the role write trace segments (for any reason)? None when a policy cannot be read."""
    unknown = False
    managed = role.value("managed_policy_arns", [])
    if managed is UNKNOWN:
        unknown = True
    elif any(isinstance(a, str) and (_XRAY_POLICY.search(a) or _AGENT_POLICY.search(a)) for a in managed):
        return True
    documents = [b.get("policy") for b in role.nested("inline_policy")]
    for policy in module.resources("aws_iam_role_policy"):
        if refers_to(module, policy.get("role"), role.address):
            documents.append(policy.get("policy"))
    for attachment in module.resources("aws_iam_role_policy_attachment"):
        if attachment.get("role") is None or not refers_to(module, attachment.get("role"), role.address):
            continue
        arn = attachment.value("policy_arn", UNKNOWN)
        policies = referenced(module, attachment.get("policy_arn"), "aws_iam_policy")
        if policies:
            documents += [p.get("policy") for p in policies]
        elif isinstance(arn, str):
            if _XRAY_POLICY.search(arn) or _AGENT_POLICY.search(arn):
                return True
            if ":aws:policy/" not in arn:
                unknown = True  # a customer policy defined elsewhere
        else:
            unknown = True
    for document in documents:
        verdict = grants(module, document, _WRITE)
        if verdict is True:
            return True
        if verdict is None:
            unknown = True
    return None if unknown else False


# --- where traces could come from ---------------------------------------------------------------------


def _module_traced(module: Module) -> bool:
    """Is any tracing configured in the module (sampling rule, traced Lambda or API stage)?"""
    if any(enabled(r) for r in module.resources("aws_xray_sampling_rule")):
        return True
    for function in module.resources("aws_lambda_function"):
        if _lambda_mode(function) in ("Active", UNKNOWN):
            return True
    for stage in module.resources("aws_api_gateway_stage"):
        if stage.value("xray_tracing_enabled", False) in (True, UNKNOWN):
            return True
    return False


def _lambda_mode(function: Block) -> object:
    if function.dynamic("tracing_config"):
        return UNKNOWN
    configs = function.nested("tracing_config")
    return configs[0].value("mode", UNKNOWN) if configs else None


def _daemon(module: Module, launcher: Block) -> bool | None:
    """Does the instance run an X-Ray daemon (or a CloudWatch agent receiving traces)? None when
    that cannot be told: a custom AMI, or user data written elsewhere."""
    text = user_data(launcher).text
    if text is None:
        return None
    text = commands(text)
    if "xray" in text.lower().replace("-", ""):
        return True
    if "amazon-cloudwatch-agent" in text:
        configs = configs_loaded(module, text)
        if configs is None or any("traces" in c for c in configs):
            return None
    image = launcher if (launcher.has("image_id") or launcher.has("ami")) else None
    if image is None or not stock_image(module, image):
        return None
    return False


# --- findings ---------------------------------------------------------------------------------------


def _unused_grant(module: Module, grant: Block, role: Block, traced: bool) -> Iterator[Finding]:
    users = role_consumers(module, role)
    if users["other"]:
        return  # the role leaves the module: its workload is out of sight
    untraced = [f for f in users["lambda"] if enabled(f) and _lambda_mode(f) in (None, "PassThrough")]
    no_daemon = []
    if not traced:
        for launcher in users["instances"]:
            if enabled(launcher) and _daemon(module, launcher) is False:
                no_daemon.append(launcher)
    if not untraced and not no_daemon:
        return
    problems = [f"{f.address} has no active tracing_config" for f in untraced]
    problems += [
        f"{launcher.address} runs no X-Ray daemon{user_data(launcher).file_note} and the module has no sampling rule"
        for launcher in no_daemon
    ]
    granted = (
        f"{role.address} may write to X-Ray"
        if grant is role
        else f"{grant.address} grants X-Ray write access to {role.address}"
    )
    yield RULE.finding(
        grant,
        f"{granted}, but nothing it runs is traced: " + "; ".join(problems),
        key=role.address,
        fix=_fix(module, grant, untraced, no_daemon),
    )


def _daemon_without_access(module: Module, launcher: Block) -> Iterator[Finding]:
    if not enabled(launcher) or _daemon(module, launcher) is not True:
        return
    text = commands(user_data(launcher).text or "")
    if "xray" not in text.lower().replace("-", ""):
        return  # an agent receiving traces: its policy is TAP302's business
    role = instance_role(module, launcher)
    if role is None or _may_write_traces(module, role) is not False:
        return
    label = free_name(module, "aws_iam_role_policy_attachment", f"{role.name}_xray")
    attachment = HclBlock(
        f'resource "aws_iam_role_policy_attachment" "{label}"',
        [
            ("role", f"{role.address}.name"),
            ("policy_arn", hcl_string("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")),
        ],
    )
    yield RULE.finding(
        launcher,
        f"{launcher.address} starts the X-Ray daemon{user_data(launcher).file_note}, but its instance role {role.address} may not "
        f"call {_WRITE}: every trace segment is rejected",
        key=role.address,
        fix=Fix.safe(
            f"Attach AWSXRayDaemonWriteAccess to {role.address}",
            insert_after(role, attachment.render()),
        ),
    )


# --- the fix -----------------------------------------------------------------------------------------


def _fix(module: Module, grant: Block, untraced: list[Block], no_daemon: list[Block]) -> Fix | None:
    edits: list[TextEdit] = []
    parts = []
    for function in untraced:
        configs = function.nested("tracing_config")
        if configs and configs[0].get("mode") is not None:
            edits.append(replace_value(configs[0].get("mode"), hcl_string("Active")))
        else:
            nested = insert_nested_block(
                function, HclBlock("tracing_config", [("mode", hcl_string("Active"))])
            )
            # A blank line sets the block apart from the attributes above it, as people write it.
            edits.append(nested.model_copy(update={"new_text": "\n" + nested.new_text}))
        parts.append(f"active tracing on {function.address}")
    if not no_daemon:
        return Fix.safe("Turn on " + ", ".join(parts), *edits)
    label = free_name(module, "aws_xray_sampling_rule", no_daemon[0].name)
    edits.append(insert_after(grant, _sampling_rule(label, no_daemon[0].name)))
    parts.append(f"aws_xray_sampling_rule.{label}")
    missing = []
    for launcher in no_daemon:
        start = _start_daemon(launcher)
        if start is None:
            missing.append(f"the X-Ray daemon in the user data of {launcher.address}")
        else:
            edits.append(start)
            parts.append(f"the X-Ray daemon in the user data of {launcher.address}")
    description = "Add " + ", ".join(parts)
    if missing:
        return Fix.display_only(f"{description}; still needed: {', '.join(missing)}", *edits)
    # cloud-init runs user data at first boot only: running instances keep going without the daemon.
    return Fix.unsafe(f"{description} (user data runs at first boot: replace the running instances)", *edits)


def _sampling_rule(label: str, served: str) -> str:
    # The values of X-Ray's own default rule (1 request/s, then 5%), made explicit and tunable.
    rule_name = f"{served}-default"[:32]
    return HclBlock(
        f'resource "aws_xray_sampling_rule" "{label}"',
        [
            ("rule_name", hcl_string(rule_name)),
            ("priority", "1000"),
            ("version", "1"),
            ("reservoir_size", "1"),
            ("fixed_rate", "0.05"),
            ("host", hcl_string("*")),
            ("http_method", hcl_string("*")),
            ("url_path", hcl_string("*")),
            ("service_name", hcl_string("*")),
            ("service_type", hcl_string("*")),
            ("resource_arn", hcl_string("*")),
        ],
    ).render()


def _start_daemon(launcher: Block) -> TextEdit | None:
    data = user_data(launcher)
    manager = package_manager(data.text or "")
    if data.script is None or manager is None:
        return None
    return append_to_heredoc(
        data.script,
        [
            "# X-Ray daemon: relays the app's trace segments (UDP 2000) to X-Ray.",
            f"{manager} install -y {DAEMON_RPM}",
        ],
    )
