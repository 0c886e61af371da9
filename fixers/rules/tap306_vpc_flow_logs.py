"""TAP306: a VPC without a flow log."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixers.aws.iam import Statement, append_statements, read_policy, trust_policy, trusts_service
from fixers.aws.log_groups import retention_source
from fixers.companions import (
    applies_directly,
    companions,
    enabled,
    free_name,
    instance_ref,
    may_serve_any,
    meta_arguments,
    off_by_default,
    passed_to_module,
    referenced,
    switched_off,
    targets,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_list, hcl_object, hcl_string, hcl_tuple, insert_after, reusable_source
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP306",
    name="vpc-flow-logs-missing",
    severity=Severity.MEDIUM,
    why="Without flow logs nothing records which addresses reached the VPC or were rejected by it.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),  # unsafe: turning on a companion behind a flag
    fix_availability=FixAvailability.SOMETIMES,
)

_LOG_DELIVERY = "delivery.logs.amazonaws.com"
_FLOW_LOGS = "vpc-flow-logs.amazonaws.com"
# Arguments of an existing flow log that say where its records go, copied to the new one.
_DESTINATION = ("log_destination_type", "log_destination", "iam_role_arn", "deliver_cross_account_role")
# "logs", "access_logs", "log-archive"; not "catalog".
_LOGS_NAME = re.compile(r"(^|[_-])logs?($|[_-])", re.I)
_LOG_WRITERS = {
    "aws_lb": "access_logs",
    "aws_alb": "access_logs",
    "aws_elb": "access_logs",
}


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    flow_logs = module.resources("aws_flow_log")
    if any(may_serve_any(module, f, "vpc_id", "aws_vpc") for f in flow_logs):
        return
    for vpc in module.resources("aws_vpc"):
        if not enabled(vpc) or passed_to_module(module, vpc) or _subnets_logged(module, vpc):
            continue
        # once per VPC: asked per flow log, `companions` made the rule cubic in the module's size
        serving = companions(module, vpc, "aws_flow_log", "vpc_id")
        own = [f for f in flow_logs if _serves(serving, f, vpc)]
        if any(enabled(f) for f in own):
            continue
        switch = switched_off(module, vpc, "aws_flow_log", "vpc_id")
        if switch is not None:
            if applies_directly(module):
                at, message, fix = off_by_default(
                    module, vpc, switch, "nothing records the traffic the VPC accepts or rejects"
                )
                yield RULE.finding(at, message, resource=vpc.address, fix=fix)
            continue  # a module called by others: turning its flow log on is the caller's choice
        if own:
            disabled = own[0]
            yield RULE.finding(
                disabled.count or disabled,
                f"{vpc.address} has no flow log: {disabled.address} is disabled "
                f"(its {'count' if disabled.count else 'for_each'}, {(disabled.count or disabled.for_each).source}, "
                "evaluates to no instance), "
                "so nothing records the traffic the VPC accepts or rejects",
                resource=vpc.address,
            )
            continue
        fix = _fix(module, vpc)
        yield RULE.finding(
            vpc,
            f"{vpc.address} has no aws_flow_log: nothing records the traffic it accepts or rejects "
            "(needed to investigate an incident or a security-group change)",
            fix=fix,
        )


def _serves(serving: list[Block], flow_log: Block, vpc: Block) -> bool:
    return flow_log in serving or (not enabled(flow_log) and vpc.address in targets(flow_log.get("vpc_id")))


def _subnets_logged(module: Module, vpc: Block) -> bool:
    """Flow logs on the VPC's subnets or interfaces are a deliberate, narrower choice."""
    for flow_log in module.resources("aws_flow_log"):
        if not enabled(flow_log):
            continue
        for subnet in referenced(module, flow_log.get("subnet_id"), "aws_subnet"):
            if vpc.address in targets(subnet.get("vpc_id")):
                return True
    return False


# --- the fix ---------------------------------------------------------------------------------------


def _fix(module: Module, vpc: Block) -> Fix | None:
    if uncopyable_meta(module, vpc):
        return None  # the new resources could not have one instance per VPC instance
    name = free_name(module, "aws_flow_log", vpc.name)
    head = [*meta_arguments(vpc), ("vpc_id", instance_ref(vpc, "id")), ("traffic_type", hcl_string("ALL"))]
    existing = _reusable_destination(module)
    if existing is not None:
        items = [*head, *((a, existing.get(a).source) for a in _DESTINATION if existing.has(a))]
        text = HclBlock(f'resource "aws_flow_log" "{name}"', items).render()
        return Fix.safe(
            f"Add aws_flow_log.{name}, delivering like {existing.address}", insert_after(vpc, text)
        )
    bucket_route = _bucket_route(module, vpc, name, head)
    if bucket_route is not None:
        return bucket_route
    return _log_group_route(module, vpc, name, head)


def _reusable_destination(module: Module) -> Block | None:
    for flow_log in module.resources("aws_flow_log"):
        attr = flow_log.get("log_destination")
        if attr is None or not enabled(flow_log):
            continue
        if all(reusable_source(flow_log.get(a)) for a in _DESTINATION if flow_log.has(a)):
            return flow_log
    return None


def _log_buckets(module: Module) -> Iterator[Block]:
    """Buckets that already receive logs, then buckets named for logs."""
    written: list[Block] = []
    for resource_type, nested in _LOG_WRITERS.items():
        for writer in module.resources(resource_type):
            for spec in writer.nested(nested):
                written.extend(referenced(module, spec.get("bucket"), "aws_s3_bucket"))
    for logging in module.resources("aws_s3_bucket_logging"):
        written.extend(referenced(module, logging.get("target_bucket"), "aws_s3_bucket"))
    named = [b for b in module.resources("aws_s3_bucket") if _LOGS_NAME.search(b.name)]
    seen: list[Block] = []
    for bucket in [*written, *named]:
        if bucket not in seen:
            seen.append(bucket)
            yield bucket


def _kms_encrypted(module: Module, bucket: Block) -> bool:
    """SSE-KMS buckets need a key policy for log delivery too; unknown counts as encrypted."""
    configs = companions(module, bucket, "aws_s3_bucket_server_side_encryption_configuration")
    rules = [r for c in configs for r in c.nested("rule")] + [
        r for c in bucket.nested("server_side_encryption_configuration") for r in c.nested("rule")
    ]
    for rule in rules:
        for default in rule.nested("apply_server_side_encryption_by_default"):
            algorithm = default.value("sse_algorithm", UNKNOWN)
            if algorithm is UNKNOWN or algorithm != "AES256":
                return True
    return False


def _bucket_route(module: Module, vpc: Block, name: str, head: list[tuple[str, str]]) -> Fix | None:
    for bucket in _log_buckets(module):
        if bucket.count is not None or bucket.for_each is not None or not enabled(bucket):
            continue
        if passed_to_module(module, bucket) or _kms_encrypted(module, bucket):
            continue
        policies = companions(module, bucket, "aws_s3_bucket_policy")
        inline = bucket.get("policy")
        holders = [p.get("policy") for p in policies] + ([inline] if inline is not None else [])
        if len(holders) > 1:
            continue
        destination = f'"${{{bucket.address}.arn}}/vpc-flow-logs/"'
        items: list = [*head, ("log_destination_type", hcl_string("s3")), ("log_destination", destination)]
        edits: list[TextEdit] = []
        if holders:
            holder = holders[0]
            if holder is None or _sids(module, holder) is None:
                continue
            account, account_edit = _account_id(module, holder.block)
            new = _delivery_statements(bucket, account)
            if _sids(module, holder) & {s.sid for s in new}:
                continue
            policy_edits = append_statements(module, holder, new)
            if not policy_edits:
                continue  # a policy we cannot extend: AWS would overwrite it when the flow log is created
            edits.extend(policy_edits)
            if account_edit is not None:
                edits.append(account_edit)
            items += [None, ("depends_on", hcl_list([holder.block.address]))]
        text = HclBlock(f'resource "aws_flow_log" "{name}"', items).render()
        edits.insert(0, insert_after(vpc, text))
        how = " and let log delivery write to it in its bucket policy" if holders else ""
        return Fix.safe(f"Add aws_flow_log.{name} to {bucket.address} (prefix vpc-flow-logs/){how}", *edits)
    return None


def _sids(module: Module, attr) -> set[str] | None:
    document = read_policy(module, attr)
    return document.sids() if document is not None else None


def _delivery_statements(bucket: Block, account: str) -> list[Statement]:
    # The statements AWS would otherwise write itself, replacing the bucket policy Terraform manages
    # (VPC user guide, "Amazon S3 bucket permissions for flow logs").
    owner = (("StringEquals", "aws:SourceAccount", account),)
    return [
        Statement.grant(
            "VPCFlowLogsWrite",
            _LOG_DELIVERY,
            ("s3:PutObject",),
            (f'"${{{bucket.address}.arn}}/vpc-flow-logs/AWSLogs/${{{account}}}/*"',),
            (*owner, ("StringEquals", "s3:x-amz-acl", hcl_string("bucket-owner-full-control"))),
        ),
        Statement.grant(
            "VPCFlowLogsAclCheck",
            _LOG_DELIVERY,
            ("s3:GetBucketAcl", "s3:ListBucket"),
            (f"{bucket.address}.arn",),
            owner,
        ),
    ]


def _account_id(module: Module, near: Block) -> tuple[str, TextEdit | None]:
    existing = module.data_sources("aws_caller_identity")
    if existing:
        return f"{existing[0].address}.account_id", None
    return (
        "data.aws_caller_identity.current.account_id",
        insert_after(near, 'data "aws_caller_identity" "current" {}'),
    )


def _log_group_route(module: Module, vpc: Block, name: str, head: list[tuple[str, str]]) -> Fix:
    label = free_name(module, "aws_cloudwatch_log_group", f"{vpc.name}_flow_logs")
    role = _trusted_role(module)
    role_label = role.name if role is not None else free_name(module, "aws_iam_role", f"{vpc.name}_flow_logs")
    counted = vpc.count is not None or vpc.for_each is not None
    group_arn = instance_ref(vpc, "arn", f"aws_cloudwatch_log_group.{label}")
    flow_log = HclBlock(
        f'resource "aws_flow_log" "{name}"',
        [*head, ("log_destination", group_arn), ("iam_role_arn", f"aws_iam_role.{role_label}.arn")],
    )
    group = HclBlock(
        f'resource "aws_cloudwatch_log_group" "{label}"',
        [
            *meta_arguments(vpc),
            ("name", f'"/aws/vpc-flow-logs/${{{instance_ref(vpc, "id")}}}"'),
            ("retention_in_days", retention_source(module)),
        ],
    )
    blocks = [flow_log.render(), group.render()]
    described = f"aws_cloudwatch_log_group.{label}"
    if role is None:
        streams = (
            f'[for group in aws_cloudwatch_log_group.{label} : "${{group.arn}}:*"]'
            if counted
            else f'"${{aws_cloudwatch_log_group.{label}.arn}}:*"'
        )
        blocks += [_role(role_label), _role_policy(role_label, streams)]
        described += f" and aws_iam_role.{role_label} (trusted by {_FLOW_LOGS})"
    else:
        described += f" through {role.address}"
    return Fix.safe(f"Add aws_flow_log.{name} to {described}", insert_after(vpc, "\n\n".join(blocks)))


def _trusted_role(module: Module) -> Block | None:
    """A role the module already lets VPC Flow Logs assume (it is there to deliver flow logs)."""
    for role in module.resources("aws_iam_role"):
        if role.count is not None or role.for_each is not None:
            continue
        if trusts_service(module, role, _FLOW_LOGS):
            return role
    return None


def _role(label: str) -> str:
    return HclBlock(
        f'resource "aws_iam_role" "{label}"',
        [("name_prefix", hcl_string("vpc-flow-logs-")), ("assume_role_policy", trust_policy(_FLOW_LOGS))],
    ).render()


def _role_policy(label: str, streams: str) -> str:
    write = hcl_object(
        [
            ("Effect", hcl_string("Allow")),
            (
                "Action",
                hcl_list(
                    hcl_string(a)
                    for a in ("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")
                ),
            ),
            ("Resource", streams),
        ]
    )
    describe = hcl_object(
        [
            ("Effect", hcl_string("Allow")),
            ("Action", hcl_string("logs:DescribeLogGroups")),
            ("Resource", hcl_string("*")),
        ]
    )
    policy = hcl_object([("Version", hcl_string("2012-10-17")), ("Statement", hcl_tuple([write, describe]))])
    return HclBlock(
        f'resource "aws_iam_role_policy" "{label}"',
        [
            ("name", hcl_string("vpc-flow-logs")),
            ("role", f"aws_iam_role.{label}.id"),
            ("policy", f"jsonencode({policy})"),
        ],
    ).render()
