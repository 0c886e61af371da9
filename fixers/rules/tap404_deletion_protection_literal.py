"""TAP404: deletion protection set to a literal instead of a per-environment input."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.config import RuleOptions
from fixers.edits import replace_value
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Attribute
from fixers.module import Module
from fixers.variables import add_variables, free_variable_name, variable_block

RULE = Rule(
    id="TAP404",
    name="deletion-protection-hardcoded",
    severity=Severity.LOW,
    why="Deletion protection is an environment decision; a literal gives every environment the same one.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.ALWAYS,
)

# The bool arguments that protect a resource from deletion (aws_lb/aws_alb use the `enable_`
# form, DynamoDB the `_enabled` form; Cognito's `deletion_protection` is a string, not matched).
ARGUMENTS = ("deletion_protection", "enable_deletion_protection", "deletion_protection_enabled")
VARIABLE = "deletion_protection"


def _protection(block) -> Attribute | None:
    return next((block.get(a) for a in ARGUMENTS if block.get(a) is not None), None)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    protected = [(r, a) for r in module.resources() if (a := _protection(r)) is not None]
    for resource, attr in protected:
        literal = attr.source.strip()
        if literal not in ("true", "false"):
            continue
        # Named after the resource when there are several; two resources of different types may
        # share a name (aws_lb.main, aws_db_instance.main): the type then tells them apart.
        qualified = f"{resource.resource_type.removeprefix('aws_')}_{resource.name}_{VARIABLE}"
        wanted = [VARIABLE] if len(protected) == 1 else [f"{resource.name}_{VARIABLE}"]
        name = free_variable_name(module, *wanted, qualified)
        default = literal == "true"
        variable = variable_block(
            name,
            f"Protect {resource.address} from deletion. "
            + ("Turn off only for disposable environments." if default else "Turn on for production."),
            "bool",
            literal,
        )
        edits = [replace_value(attr, f"var.{name}"), *add_variables(module, [variable], near=resource)]
        state = "on" if default else "off"
        yield RULE.finding(
            attr,
            f"{resource.address} hard-codes {attr.name} = {literal}: protection is {state} in every "
            "environment, and changing it for one means editing the module",
            key=attr.name,
            fix=Fix.safe(f"Drive {attr.name} from var.{name} (default {literal})", *edits),
        )
