"""TAP305: a WAFv2 web ACL without a logging configuration."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.aws.log_groups import retention_source
from fixers.companions import (
    companions,
    enabled,
    free_name,
    instance_ref,
    may_serve_any,
    meta_arguments,
    passed_to_module,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_list, insert_after, reusable_source, string_with
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP305",
    name="waf-logging-missing",
    severity=Severity.MEDIUM,
    why="Without logging, what a web ACL blocked or let through is lost after WAF's 3-hour sample window.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# WAF rejects any destination whose name does not start with this prefix.
PREFIX = "aws-waf-logs-"
# Destination types WAF logs to, and the argument holding each one's name.
_DESTINATIONS = {
    "aws_cloudwatch_log_group": "name",
    "aws_s3_bucket": "bucket",
    "aws_kinesis_firehose_delivery_stream": "name",
}


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    configs = module.resources("aws_wafv2_web_acl_logging_configuration")
    if any(may_serve_any(module, c, "resource_arn", "aws_wafv2_web_acl") for c in configs):
        return
    for acl in module.resources("aws_wafv2_web_acl"):
        if not enabled(acl) or passed_to_module(module, acl):
            continue
        if companions(module, acl, "aws_wafv2_web_acl_logging_configuration", "resource_arn"):
            continue
        scope = acl.value("scope", UNKNOWN)
        note = (
            " (a CLOUDFRONT web ACL logs in us-east-1, through the ACL's own provider)"
            if scope == "CLOUDFRONT"
            else ""
        )
        fix = _fix(module, acl)
        yield RULE.finding(
            acl,
            f"{acl.address} has no aws_wafv2_web_acl_logging_configuration: the requests it blocks or "
            f"allows are not recorded, only sampled for 3 hours{note}",
            fix=fix,
        )


def _fix(module: Module, acl: Block) -> Fix | None:
    if uncopyable_meta(module, acl):
        return None  # the new resources could not have one instance per ACL instance
    name = free_name(module, "aws_wafv2_web_acl_logging_configuration", acl.name)
    provider = [("provider", acl.get("provider").source)] if acl.has("provider") else []
    existing = _existing_destination(module, acl)
    blocks: list[str] = []
    if existing is not None:
        destination = f"{existing.address}.arn"
        described = f"logging to {existing.address}"
    else:
        label = free_name(module, "aws_cloudwatch_log_group", f"waf_{acl.name}")
        acl_name = acl.get("name")
        group_name = (
            string_with(acl_name, prefix=PREFIX)
            if acl_name is not None and reusable_source(acl_name)
            else f'"{PREFIX}${{{instance_ref(acl, "name")}}}"'
        )
        group = HclBlock(
            f'resource "aws_cloudwatch_log_group" "{label}"',
            [
                *meta_arguments(acl),
                *provider,
                ("name", group_name),
                ("retention_in_days", retention_source(module)),
            ],
        )
        blocks.append(group.render())
        destination = instance_ref(acl, "arn", f"aws_cloudwatch_log_group.{label}")
        described = f"and aws_cloudwatch_log_group.{label} ({PREFIX}*)"
    config = HclBlock(
        f'resource "aws_wafv2_web_acl_logging_configuration" "{name}"',
        [
            *meta_arguments(acl),
            *provider,
            ("resource_arn", instance_ref(acl, "arn")),
            ("log_destination_configs", hcl_list([destination])),
        ],
    )
    blocks.insert(0, config.render())
    return Fix.safe(
        f"Add aws_wafv2_web_acl_logging_configuration.{name} {described}",
        insert_after(acl, "\n\n".join(blocks)),
    )


def _existing_destination(module: Module, acl: Block) -> Block | None:
    """A destination the module already has for WAF logs (named aws-waf-logs-*), served by the
    same provider as the ACL (a CLOUDFRONT ACL's logs must stay in us-east-1)."""
    provider = acl.get("provider").source if acl.has("provider") else None
    for resource_type, attribute in _DESTINATIONS.items():
        for block in module.resources(resource_type):
            if block.count is not None or block.for_each is not None:
                continue
            own_provider = block.get("provider").source if block.has("provider") else None
            value = block.value(attribute, UNKNOWN)
            if own_provider == provider and isinstance(value, str) and value.startswith(PREFIX):
                return block
    return None
