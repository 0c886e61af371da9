"""Variables that fixes add to a module, and the validation blocks TAP503 asks for.

Any fix that introduces a variable holding a CIDR, an instance type or an enumeration should
build it here: the variable then carries its validation, so TAP503 (variable-validation-missing)
never reports a variable that tapfix itself wrote, and the fix is not rejected for introducing
a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fixers.edits import HclBlock, edit, hcl_list, hcl_string, insert_after, insert_before, new_file
from fixers.findings import TextEdit
from fixers.model import Block
from fixers.module import Module

# Files that hold a module's variable declarations, in order of preference.
VARIABLE_FILES = ("variables.tf", "vars.tf", "inputs.tf")

# `<family><generation><options>.<size>`: m6i.large, t3.micro, u-6tb1.metal, m7i-flex.large.
EC2_INSTANCE_TYPE = "^[a-z][a-z0-9-]*\\\\.[a-z0-9]+$"


# --- conditions ----------------------------------------------------------------------------------


def _or_null(condition: str, name: str, nullable: bool) -> str:
    # Not `var.x == null || condition`: Terraform before 1.12 evaluates both sides of `||`, and
    # `contains(list, null)` or `startswith(null, ...)` is an error. A conditional evaluates only
    # the branch it takes.
    return f"var.{name} == null ? true : {condition}" if nullable else condition


def cidr_condition(name: str, shape: str = "string", *, nullable: bool = False) -> str:
    """True for a valid CIDR block (IPv4 or IPv6); `shape` is "string", "list" or "map"."""
    if shape == "list":
        condition = f"alltrue([for cidr in var.{name} : can(cidrhost(cidr, 0))])"
    elif shape == "map":
        condition = f"alltrue([for cidr in values(var.{name}) : can(cidrhost(cidr, 0))])"
    else:
        condition = f"can(cidrhost(var.{name}, 0))"
    return _or_null(condition, name, nullable)


def cidr_validation(name: str, shape: str = "string", *, nullable: bool = False) -> HclBlock:
    if shape == "string":
        message = f"The {name} must be a CIDR block, such as 10.0.0.0/16."
    else:
        message = f"Every value of {name} must be a CIDR block, such as 10.0.0.0/16."
    return _validation(cidr_condition(name, shape, nullable=nullable), message)


def instance_type_condition(name: str, kind: str, *, nullable: bool = False) -> str:
    """`kind` is "ec2", "rds" (db.*) or "elasticache" (cache.*)."""
    if kind == "rds":
        condition = f'startswith(var.{name}, "db.")'
    elif kind == "elasticache":
        condition = f'startswith(var.{name}, "cache.")'
    else:
        condition = f'can(regex("{EC2_INSTANCE_TYPE}", var.{name}))'
    return _or_null(condition, name, nullable)


def instance_type_validation(name: str, kind: str, *, nullable: bool = False) -> HclBlock:
    example = {"rds": "db.t4g.medium", "elasticache": "cache.t4g.small"}.get(kind, "m6i.large")
    what = {"rds": "an RDS instance class", "elasticache": "an ElastiCache node type"}.get(
        kind, "an EC2 instance type"
    )
    message = f"The {name} must be {what}, such as {example}."
    return _validation(instance_type_condition(name, kind, nullable=nullable), message)


def enum_condition(name: str, values: Sequence[str | int], *, nullable: bool = False) -> str:
    listed = hcl_list(hcl_string(v) if isinstance(v, str) else str(v) for v in values)
    return _or_null(f"contains({listed}, var.{name})", name, nullable)


def enum_validation(name: str, values: Sequence[str | int], *, nullable: bool = False) -> HclBlock:
    shown = _join_words([str(v) for v in values])
    return _validation(enum_condition(name, values, nullable=nullable), f"The {name} must be one of {shown}.")


def _join_words(words: list[str]) -> str:
    if len(words) <= 2:
        return " or ".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _validation(condition: str, message: str) -> HclBlock:
    return HclBlock("validation", [("condition", condition), ("error_message", hcl_string(message))])


# --- variable blocks -----------------------------------------------------------------------------


def variable_block(
    name: str,
    description: str,
    type_src: str,
    default_src: str | None = None,
    validations: Iterable[HclBlock] = (),
) -> HclBlock:
    items: list[tuple[str, str] | HclBlock | None] = [
        ("description", hcl_string(description)),
        ("type", type_src),
    ]
    if default_src is not None:
        items.append(("default", default_src))
    for validation in validations:
        items += [None, validation]
    return HclBlock(f'variable "{name}"', items)


def cidr_variable(name: str, description: str, *, is_list: bool = False) -> HclBlock:
    """A CIDR (or CIDR list) variable without default, validated."""
    shape = "list" if is_list else "string"
    return variable_block(
        name, description, "list(string)" if is_list else "string", None, [cidr_validation(name, shape)]
    )


def cidr_list_variable(name: str, description: str) -> HclBlock:
    return cidr_variable(name, description, is_list=True)


def free_variable_name(module: Module, *wanted: str, taken: Iterable[str] = ()) -> str:
    """A name for a new variable: the first of `wanted` that neither the module, another fix of the
    scan (see `Module.claim_name`) nor `taken` has, else the last one numbered."""
    return module.claim_name("var", *wanted, taken=taken)


# --- placing new variables -----------------------------------------------------------------------


def variables_file(module: Module) -> str | None:
    """The path of the module's variables file (variables.tf, vars.tf or inputs.tf), if any."""
    prefix = "" if module.path == "." else module.path + "/"
    for name in VARIABLE_FILES:
        parsed = module.files.get(prefix + name)
        if parsed is not None and parsed.tree is not None:
            return prefix + name
    return None


def add_variables(module: Module, blocks: Sequence[HclBlock], near: Block | None = None) -> list[TextEdit]:
    """Edits that declare `blocks`: after the last variable of the module's variables file when it
    has one (at its end when it declares none), else just above `near` (the block that uses them),
    else after the module's other variables, else in a new variables.tf."""
    text = "\n\n".join(b.render() for b in blocks)
    declared = module.of_type("variable")
    path = variables_file(module)
    if path is not None:
        in_file = [b for b in declared if b.path == path]
        if in_file:
            return [insert_after(in_file[-1], text)]
        source = module.files[path].source
        end = len(source.text)
        if not source.text.strip() or source.text.endswith("\n\n"):
            lead = ""
        else:
            lead = "\n" if source.text.endswith("\n") else "\n\n"
        return [edit(source, end, end, lead + text + "\n")]
    if near is not None:
        return [insert_before(near, text)]
    if declared:
        by_file: dict[str, list[Block]] = {}
        for b in declared:
            by_file.setdefault(b.path, []).append(b)
        busiest = max(by_file.values(), key=len)
        return [insert_after(busiest[-1], text)]
    prefix = "" if module.path == "." else module.path + "/"
    return [new_file(prefix + "variables.tf", text + "\n")]
