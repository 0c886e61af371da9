"""TAP202: an S3 bucket without a public access block that sets all four flags."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fixers.companions import (
    applies_directly,
    companions,
    free_name,
    instance_count,
    instance_ref,
    meta_arguments,
    off_by_default,
    passed_to_module,
    switched_off,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, insert_after, update_attributes
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP202",
    name="s3-public-access-block-missing",
    severity=Severity.HIGH,
    why="Without Block Public Access one public ACL or policy statement exposes the bucket.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),  # unsafe: turning on a companion behind a flag
    fix_availability=FixAvailability.SOMETIMES,
)

FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
PAB = "aws_s3_bucket_public_access_block"


def _flag(block: Block, name: str) -> Any:
    """True, False (the provider's default when unset) or UNKNOWN."""
    value = block.value(name, False)
    if value in (True, "true"):
        return True
    if value in (False, "false", None):
        return False
    return UNKNOWN


def _flags(block: Block) -> dict[str, Any]:
    return {name: _flag(block, name) for name in FLAGS}


def _account_blocks_everything(module: Module) -> bool:
    """An account-level block with all four flags covers every bucket of the account."""
    return any(
        instance_count(block) == 1 and all(v is True for v in _flags(block).values())
        for block in module.resources("aws_s3_account_public_access_block")
    )


def _is_website(module: Module, bucket: Block) -> bool:
    return bool(bucket.nested("website") or companions(module, bucket, "aws_s3_bucket_website_configuration"))


def _describe(block: Block, flags: dict[str, Any]) -> str:
    parts = [f"{n} = false" if block.has(n) else f"{n} unset" for n in FLAGS if flags[n] is not True]
    return ", ".join(parts)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    if _account_blocks_everything(module):
        return
    for bucket in module.resources("aws_s3_bucket"):
        if passed_to_module(module, bucket) or instance_count(bucket) == 0:
            continue
        blocks = companions(module, bucket, PAB)
        states = [_flags(b) for b in blocks]
        if any(all(v is True for v in s.values()) for s in states):
            continue
        if any(v is UNKNOWN for s in states for v in s.values()):
            continue
        if blocks:
            yield from _incomplete(module, bucket, blocks[0], states[0])
            continue
        switch = switched_off(module, bucket, PAB)
        if switch is not None:
            if applies_directly(module):
                at, message, fix = off_by_default(
                    module,
                    bucket,
                    switch,
                    "nothing stops a public ACL or bucket policy from exposing its objects",
                )
                yield RULE.finding(at, message, resource=bucket.address, fix=fix)
            continue  # a module called by others: turning it on is the caller's choice
        name = free_name(module, PAB, bucket.name)
        block = HclBlock(
            f'resource "{PAB}" "{name}"',
            [*meta_arguments(bucket), ("bucket", instance_ref(bucket)), *((flag, "true") for flag in FLAGS)],
        )
        fix = Fix.safe(f"Add {PAB}.{name} with all four flags true", insert_after(bucket, block.render()))
        yield RULE.finding(
            bucket,
            f"{bucket.address} has no {PAB}: nothing stops a public ACL or bucket policy "
            "from exposing its objects",
            # A count/for_each a copy would not reproduce: no block we can trust.
            fix=None if uncopyable_meta(module, bucket) else fix,
        )


def _incomplete(module: Module, bucket: Block, block: Block, flags: dict[str, Any]) -> Iterator[Finding]:
    explicit_off = [block.get(n) for n in FLAGS if flags[n] is not True and block.has(n)]
    if explicit_off and _is_website(module, bucket):
        return  # a website bucket that switches the guard off on purpose
    off = [n for n in FLAGS if flags[n] is not True]
    yield RULE.finding(
        explicit_off[0] if explicit_off else block,
        f"{block.address} leaves {_describe(block, flags)} for {bucket.address}: "
        "a public ACL or bucket policy could expose its objects",
        resource=bucket.address,
        fix=Fix.safe(
            f"Set {', '.join(off)} to true in {block.address}",
            update_attributes(block, [(n, "true") for n in off]),
        ),
    )
