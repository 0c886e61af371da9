"""TAP201: an S3 bucket without enabled versioning."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.companions import (
    applies_directly,
    companions,
    free_name,
    instance_ref,
    meta_arguments,
    off_by_default,
    passed_to_module,
    switched_off,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, hcl_string, insert_after, replace_value
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP201",
    name="s3-versioning-missing",
    severity=Severity.HIGH,
    why="Without versioning an overwrite or delete cannot be undone.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),  # unsafe: turning on a companion behind a flag
    fix_availability=FixAvailability.SOMETIMES,
)


def _status(resource: Block) -> object:
    configs = resource.nested("versioning_configuration")
    if not configs:
        return UNKNOWN
    return configs[0].value("status", UNKNOWN)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for bucket in module.resources("aws_s3_bucket"):
        if bucket.dynamic("versioning") or passed_to_module(module, bucket):
            continue
        inline = bucket.nested("versioning")
        inline_enabled = inline[0].value("enabled", False) if inline else False
        if inline_enabled is True or inline_enabled is UNKNOWN:
            continue
        managers = companions(module, bucket, "aws_s3_bucket_versioning")
        statuses = [_status(m) for m in managers]
        if any(s == "Enabled" or s is UNKNOWN for s in statuses):
            continue
        if managers:
            manager = managers[0]
            status_attr = manager.nested("versioning_configuration")[0].get("status")
            yield RULE.finding(
                status_attr,
                f"{bucket.address} has versioning {statuses[0]} in {manager.address}: "
                "overwritten or deleted objects cannot be recovered",
                resource=bucket.address,
                fix=Fix.safe("Enable versioning", replace_value(status_attr, hcl_string("Enabled"))),
            )
            continue
        switch = switched_off(module, bucket, "aws_s3_bucket_versioning")
        if switch is not None:
            if applies_directly(module):
                at, message, fix = off_by_default(
                    module, bucket, switch, "overwritten or deleted objects cannot be recovered"
                )
                yield RULE.finding(at, message, resource=bucket.address, fix=fix)
            continue  # a module called by others: turning versioning on is the caller's choice
        name = free_name(module, "aws_s3_bucket_versioning", bucket.name)
        versioning = HclBlock(
            f'resource "aws_s3_bucket_versioning" "{name}"',
            [
                *meta_arguments(bucket),
                ("bucket", instance_ref(bucket)),
                None,
                HclBlock("versioning_configuration", [("status", hcl_string("Enabled"))]),
            ],
        )
        edits = [insert_after(bucket, versioning.render())]
        detail = "has no versioning"
        if inline:
            # Two managers of one bucket's versioning fight each other: replace the inline block.
            block = inline[0]
            file = block.file
            start = file.line_start(block.line)
            end = file.line_start(block.end_line + 1) if block.end_line < file.line_count else block.end
            edits.insert(0, edit(file, start, end, ""))
            detail = "has inline versioning disabled"
        fix = Fix.safe(f"Add aws_s3_bucket_versioning.{name} with status Enabled", *edits)
        yield RULE.finding(
            bucket,
            f"{bucket.address} {detail}: overwritten or deleted objects cannot be recovered",
            # A count/for_each a copy would not reproduce: no versioning resource we can trust.
            fix=None if uncopyable_meta(module, bucket) else fix,
        )
