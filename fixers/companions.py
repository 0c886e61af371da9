"""Helpers for rules whose fix adds a resource that serves another one (a bucket's versioning,
a group's rule): reference the served resource per instance, copy its `count`/`for_each`, find
companions that already exist, and pick a free name."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fixers.edits import INDENT, hcl_string, replace_value, set_attribute
from fixers.evaluate import UNKNOWN, is_known, traversals
from fixers.findings import Fix, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Expr, UnaryOp
from fixers.semantic.references import Address, mentions_in

# More instances than any module declares: `count = 1e15` (or a chain of products) must not make a
# rule build a scope per instance.
MAX_INSTANCES = 10_000


def known_count(value: Any) -> int | None:
    """`value` as a count Terraform accepts (a whole number, 0 or more) and tapfix lists instance
    by instance; None for anything else (unknown, fractional, negative, infinite, too many)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():  # also inf and nan
        return None
    count = int(value)
    return count if 0 <= count <= MAX_INSTANCES else None


def instance_ref(block: Block, attribute: str = "id", address: str | None = None) -> str:
    """How a resource created with `meta_arguments(block)` refers to its instance of `block`:
    `aws_s3_bucket.b[each.key].id`. With `address` (another resource created with the same
    meta-arguments), how `block` or a sibling refers to its own instance of that one."""
    address = address or block.address
    if block.count is not None:
        return f"{address}[count.index].{attribute}"
    if block.for_each is not None:
        return f"{address}[each.key].{attribute}"
    return f"{address}.{attribute}"


def meta_arguments(block: Block) -> list[tuple[str, str]]:
    """The count/for_each a companion needs to have one instance per instance of `block`, under
    the same keys: `block`'s own expression, copied. Not `for_each = <block>`: that makes the
    companion depend on `block` as a whole, a cycle once `block` refers to the companion (a
    database to its monitoring role). Ask `uncopyable_meta` first."""
    for attr in (block.count, block.for_each):
        if attr is not None:
            return [(attr.name, _from_column_0(attr) or attr.source)]
    return []


def uncopyable_meta(module: Module, block: Block) -> str | None:
    """Why `meta_arguments(block)` would not mean in a new resource what it means in `block`
    (the fix is then withheld), or None when the copy is sound."""
    attr = block.count or block.for_each
    if attr is None:
        return None
    for parts in traversals(attr.expression):
        if parts[:1] in (("count",), ("each",), ("self",)):
            return f"its {attr.name} uses {parts[0]}, which Terraform rejects there"
    if refers_to(module, attr, block.address):
        return f"its {attr.name} refers to {block.address} itself"
    if _from_column_0(attr) is None:
        return f"its {attr.name} spans lines indented less than the argument, which a copy would re-indent"
    return None


def _from_column_0(attr: Attribute) -> str | None:
    """`attr`'s source with its continuation lines relative to the argument's own indentation,
    as HclBlock takes multi-line values; None when a line is indented less (heredoc text), whose
    meaning re-indenting would change."""
    first, *rest = attr.source.split("\n")
    if not rest:
        return first
    file = attr.file
    indent = file.text[file.line_start(attr.line) : attr.start]
    if indent.strip() or any(line.strip() and not line.startswith(indent) for line in rest):
        return None
    if "<<" in attr.source and indent != INDENT:
        return None  # heredoc text keeps the indentation it is given
    return "\n".join([first, *(line[len(indent) :] if line.strip() else "" for line in rest)])


def free_name(module: Module, resource_type: str, wanted: str) -> str:
    """A name for a new `resource_type` resource: `wanted`, or `wanted_2`, ... when the module or
    another fix of the scan already has it (see `Module.claim_name`)."""
    return module.claim_name(resource_type, wanted)


def refers_to(module: Module, attr: Attribute, address: str) -> bool:
    """Does `attr` mention `address`, directly or through locals?"""
    return address in mentions(module, attr)


def mentions(module: Module, attr: Attribute) -> frozenset[str]:
    """Every address `attr` mentions, directly or through locals (`ReferenceGraph.reach`)."""
    return module.reference_graph().reach(attr)


def instance_count(block: Block) -> int | None:
    """How many instances `block` has when that is known: 1 without count/for_each, 0 when
    `count = 0` or an empty `for_each` (a disabled companion serves nothing)."""
    if block.count is not None:
        return known_count(block.count.value())
    if block.for_each is not None:
        value = block.for_each.value()
        return len(value) if isinstance(value, (list, dict)) else None
    return 1


def instance_scopes(block: Block) -> list[tuple[str, dict[str, Any]]] | None:
    """One (address suffix, evaluation scope) per instance of `block`, so that arguments using
    `count.index` or `each.key`/`each.value` can be evaluated: `[("", {})]` without count or
    for_each, `[("[0]", {"count": {"index": 0}}), ...]`, `[('["a"]', {"each": ...}), ...]`.
    None when the instances cannot be known (an unknown count or for_each)."""
    if block.count is not None:
        count = known_count(block.count.value())
        if count is None:
            return None
        return [(f"[{i}]", {"count": {"index": i}}) for i in range(count)]
    if block.for_each is not None:
        collection = block.for_each.value()
        if isinstance(collection, dict) and is_known(list(collection)):
            items = list(collection.items())
        elif isinstance(collection, list) and all(isinstance(v, str) for v in collection):
            items = [(v, v) for v in collection]  # a set of strings: each.key == each.value
        else:
            return None
        return [(f"[{json.dumps(k)}]", {"each": {"key": k, "value": v}}) for k, v in items]
    return [("", {})]


def companions(module: Module, served: Block, resource_type: str, attribute: str = "bucket") -> list[Block]:
    """Resources of `resource_type` whose `attribute` points at `served` (by reference, through
    locals, or by the same literal name), excluding ones that are known to have no instance."""
    return [c for c in _pointing_at(module, served, resource_type, attribute) if instance_count(c) != 0]


def _pointing_at(module: Module, served: Block, resource_type: str, attribute: str) -> list[Block]:
    """Every resource of `resource_type` whose `attribute` points at `served`, with instances or not."""
    # Rules ask once per served block: checking every candidate each time was quadratic on large
    # modules. Candidates that mention `served` come from the module's reference index, and
    # candidates named by a literal from a per-module table; the exact tests below still decide.
    candidates = {id(b): b for b in module.reference_graph().users(served.address)}
    served_name = served.value("bucket", UNKNOWN) if served.has("bucket") else UNKNOWN
    named = (
        _by_literal(module, resource_type, attribute).get(served_name, {})
        if isinstance(served_name, str)
        else {}
    )
    found = []
    for candidate in module.in_order([*candidates.values(), *named.values()], resource_type):
        attr = candidate.get(attribute)
        if attr is None:
            continue
        matches = id(candidate) in named or (
            id(candidate) in candidates
            and (
                refers_to(module, attr, served.address)
                or (
                    candidate.for_each is not None
                    and refers_to(module, candidate.for_each, served.address)
                    and any(parts[:1] == ("each",) for parts in traversals(attr.expression))
                )
            )
        )
        if matches:
            found.append(candidate)
    return found


# --- companions behind a flag ----------------------------------------------------------------------


@dataclass(frozen=True)
class Switch:
    """A companion that exists but has no instance with the module's current values, because of
    input variables (`count = var.enable_flow_log ? 1 : 0`, `length(keys(var.versioning)) > 0`)."""

    companion: Block
    flags: tuple[str, ...]  # the variables its count/for_each depends on whose values are off
    value: Attribute | None  # where the one flag's value is written (its default, or a tfvars line)
    by_default: bool  # the value is the variable's default, not an assignment in a .tfvars file
    turn_on: TextEdit | None  # that value set to true, when the flag is one bool


def switched_off(
    module: Module, served: Block, resource_type: str, attribute: str = "bucket"
) -> Switch | None:
    """The first companion of `served` that the module declares but switches off through its input
    variables, or None. Such a module has the feature: whether it is on is its callers' choice
    (a reusable module), or its own default (a configuration applied as it is, see `applies_directly`)."""
    for companion in _pointing_at(module, served, resource_type, attribute):
        gate = companion.count or companion.for_each
        if gate is None or instance_count(companion) != 0:
            continue
        flags = tuple(
            name
            for name in _variables_in(module, gate)
            if (value := module.variable_value_attribute(name)) is not None and _off(value.value())
        )
        if not flags:
            continue  # `count = 0` written down, or off for a reason that is no input
        value = module.variable_value_attribute(flags[0]) if len(flags) == 1 else None
        turn_on = None
        # Only a default is edited: a tfvars file is the operator's, and not part of the module.
        default = module.variables[flags[0]].get("default") if value is not None else None
        if value is not None and value is default and value.value() is False:
            turn_on = replace_value(value, "true")
        return Switch(companion, flags, value, value is None or value is default, turn_on)
    return None


def off_by_default(
    module: Module, served: Block, switch: Switch, consequence: str
) -> tuple[Any, str, Fix | None]:
    """Where a finding about a switched-off companion points (the flag's value), its message, and
    its fix: the flag turned on where its value is written, never a second companion."""
    flags = ", ".join(f"`{name}`" for name in switch.flags)
    where = "by default" if switch.by_default else f"in {switch.value.file.path}"
    message = (
        f"{served.address} has {switch.companion.address}, but it is off {where}: set {flags}; "
        f"until then {consequence}"
    )
    at = switch.value if switch.value is not None else (switch.companion.count or switch.companion.for_each)
    fix = None
    if switch.turn_on is not None:
        fix = Fix.unsafe(f"Turn {switch.companion.address} on: {switch.flags[0]} = true", switch.turn_on)
    return at, message, fix


def applies_directly(module: Module) -> bool:
    """True for a configuration that is applied as it is (it configures a provider or a backend, or
    a .tfvars file sets its variables):
    its variables' defaults are what gets deployed. A module without either is called by others,
    who choose its inputs."""
    if getattr(module, "inputs", None) is not None:
        return True  # a module instance evaluated with its caller's values: they are the deployment
    if any(block.labels for block in module.of_type("provider")):
        return True
    if any(t.nested("backend") or t.nested("cloud") for t in module.of_type("terraform")):
        return True
    # A .tfvars file that sets a variable: someone applies this directory with those values.
    return any(
        module.variable_value_attribute(name) is not variable.get("default")
        for name, variable in module.variables.items()
    )


def _off(value: Any) -> bool:
    return value is False or value is None or value in ({}, [], "", 0)


def _negations(expr: Expr) -> list[Expr]:
    """The operands of every `!` in `expr`."""
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, UnaryOp) and node.op == "!":
            found.append(node.operand)
            continue
        stack.extend(node.children())
    return found


def _variables_in(module: Module, attr: Attribute, depth: int = 0) -> list[str]:
    """The input variables `attr` mentions, directly or through locals (8 deep), in order."""
    found: list[str] = []
    # A variable under `!` switches the companion off when it is on (`!var.is_directory_bucket`):
    # not a flag that turns it on.
    negated = {parts for node in _negations(attr.expression) for parts in traversals(node)}
    for parts in traversals(attr.expression):
        address = Address.from_traversal(parts)
        if parts in negated or address is None:
            continue
        if address.kind == "var" and address.name not in found:
            found.append(address.name)
        elif address.kind == "local" and depth < 8:
            local = module.locals.get(address.name)
            if local is not None:
                found += [v for v in _variables_in(module, local, depth + 1) if v not in found]
    return found


def _by_literal(module: Module, resource_type: str, attribute: str) -> dict[str, dict[int, Block]]:
    """For the module's resources of `resource_type`: the string value of `attribute` -> the blocks
    with it (by id). Built once per module, type and attribute."""

    def table() -> dict[str, dict[int, Block]]:
        found: dict[str, dict[int, Block]] = {}
        for block in module.resources(resource_type):
            attr = block.get(attribute)
            value = attr.value() if attr is not None else None
            if isinstance(value, str):
                found.setdefault(value, {})[id(block)] = block
        return found

    return module.memo(("literal names", resource_type, attribute), table)


def passed_to_module(module: Module, served: Block) -> bool:
    """True when `served` is handed to a module call, directly or through locals (`vpc_id =
    local.vpc.id`), which may configure it out of our sight."""
    return any(block.type == "module" for block in module.reference_graph().users(served.address))


def require_provider(module: Module, name: str, source: str, version: str) -> list[TextEdit]:
    """Declare provider `name` in the module's `required_providers` when the module declares
    required_providers but not this one. A module without required_providers needs nothing:
    Terraform then infers `hashicorp/<name>` itself."""
    declared = [rp for t in module.of_type("terraform") for rp in t.nested("required_providers")]
    if not declared or any(rp.has(name) for rp in declared):
        return []
    value = "{\n" + f"  source  = {hcl_string(source)}\n  version = {hcl_string(version)}\n" + "}"
    return set_attribute(declared[0], name, value)


# --- blocks an attribute names -------------------------------------------------------------------


def targets(attr: Attribute | Expr | None) -> list[str]:
    """The resource addresses an attribute mentions (`aws_iam_role.app`), in order."""
    if attr is None:
        return []
    mentions = mentions_in(attr.expr if isinstance(attr, Attribute) else attr)
    return [m.address.node for m in mentions if m.address.kind in ("resource", "data")]


def referenced(module: Module, attr: Attribute | Expr | None, *types: str) -> list[Block]:
    """The blocks of the given resource types that `attr` refers to."""
    found = []
    for address in targets(attr):
        block = module.find(address)
        if block is not None and block.resource_type in types and block not in found:
            found.append(block)
    return found


def may_serve_any(module: Module, block: Block | None, attribute: str, resource_type: str) -> bool:
    """True when `block` is enabled and its `attribute` cannot be evaluated nor names any
    `resource_type` (`vpc_id = var.vpc_id`): it may serve whichever one a rule finds unserved."""
    attr = block.get(attribute) if block is not None else None
    if attr is None or not enabled(block):
        return False
    return not referenced(module, attr, resource_type) and attr.value() is UNKNOWN


def enabled(block: Block) -> bool:
    """False only when the block is known to have no instance (`count = 0`, empty for_each)."""
    return instance_count(block) != 0
