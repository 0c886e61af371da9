"""TAP402: an Auto Scaling group that terminates instances without a lifecycle hook."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.companions import free_name, instance_count, instance_ref, meta_arguments, uncopyable_meta
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_string, insert_after
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module
from fixers.rules._asg import groups, names_group

RULE = Rule(
    id="TAP402",
    name="asg-lifecycle-hook-missing",
    severity=Severity.LOW,
    why="Without a termination hook, scale-in kills instances before logs and in-flight work are saved.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
    default=False,  # precision on public code: see its docs page
)

TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"
HEARTBEAT = 300


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    hooks = [h for h in module.resources("aws_autoscaling_lifecycle_hook") if instance_count(h) != 0]
    for group in groups(module):
        if group.dynamic("initial_lifecycle_hook"):
            continue  # generated hooks: what they are cannot be known
        inline = group.nested("initial_lifecycle_hook")
        separate = [
            h for h in hooks if names_group(module, h.get("autoscaling_group_name"), group, h) is not False
        ]
        transitions = [b.value("lifecycle_transition", UNKNOWN) for b in [*inline, *separate]]
        if any(t is UNKNOWN or t == TERMINATING for t in transitions):
            continue
        detail = "no termination lifecycle hook"
        if transitions:
            launching = ", ".join(_where(b) for b in [*inline, *separate])
            detail = f"only a launching lifecycle hook ({launching}), no termination hook"
        yield RULE.finding(
            group,
            f"{group.address} has {detail}: scale-in and instance refresh "
            "terminate instances at once, before logs are shipped or in-flight work is finished",
            fix=_fix(module, group, [*inline, *separate]),
        )


def _where(hook: Block) -> str:
    return hook.address if hook.parent is None else f"initial_lifecycle_hook in {hook.parent.address}"


def _fix(module: Module, group: Block, existing: list[Block]) -> Fix | None:
    # A separate resource, never `initial_lifecycle_hook`: that block is ForceNew in the provider,
    # so adding it to an existing group would replace the group and every instance in it.
    if uncopyable_meta(module, group):
        return None  # the hook could not have one instance per group instance
    label = free_name(module, "aws_autoscaling_lifecycle_hook", f"{group.name}_drain")
    taken = {b.value("name", None) for b in existing}
    hook_name = "drain" if "drain" not in taken else "drain-on-terminate"
    hook = HclBlock(
        f'resource "aws_autoscaling_lifecycle_hook" "{label}"',
        [
            *meta_arguments(group),
            ("name", hcl_string(hook_name)),
            ("autoscaling_group_name", instance_ref(group, "name")),
            ("lifecycle_transition", hcl_string(TERMINATING)),
            ("default_result", hcl_string("CONTINUE")),
            ("heartbeat_timeout", str(HEARTBEAT)),
        ],
    )
    return Fix.safe(
        f"Add aws_autoscaling_lifecycle_hook.{label}: a {HEARTBEAT}-second termination hook that then continues",
        insert_after(group, hook.render()),
    )
