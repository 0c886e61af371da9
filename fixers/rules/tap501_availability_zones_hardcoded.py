"""TAP501: availability-zone names written as literals."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixers.companions import refers_to
from fixers.config import RuleOptions
from fixers.edits import HclBlock, hcl_list, hcl_string, insert_before, replace_value
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Tuple, call_of, string_of

RULE = Rule(
    id="TAP501",
    name="availability-zones-hardcoded",
    severity=Severity.LOW,
    why="Literal zone names tie the module to one region and to one account's zone mapping.",
    fix=Applicability.UNSAFE,
    fix_availability=FixAvailability.SOMETIMES,
    default=False,  # precision on public code: see its docs page
)

# us-east-1a, eu-central-2b, us-gov-west-1a, cn-north-1b. Local and Wavelength zones
# (us-west-2-lax-1a) do not match: they are chosen on purpose and the data source filters them out.
AZ_NAME = re.compile(r"(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)(?P<letter>[a-z])")
# Arguments of resources, data sources and module calls that take zone names.
_AZ_ARGUMENT = re.compile(r"(?:^|_)(?:availability_zones?|azs?)(?:$|_)")
DATA_TYPE = "aws_availability_zones"


def zones_of(attr: Attribute) -> list[str] | None:
    """The zone names when the value is a literal zone, or a list (or toset/tolist of a list)
    of literal zones all in one region; None otherwise."""
    expr = attr.expression
    wrapped = call_of(expr, "toset", "tolist")
    if wrapped is not None:
        args = wrapped.args
        if len(args) != 1:
            return None
        expr = args[0]
    # A heredoc's text ends with a newline, so it is never a zone name.
    names = [string_of(i) for i in expr.items] if isinstance(expr, Tuple) else [string_of(expr)]
    if not names or any(n is None or not AZ_NAME.fullmatch(n) for n in names):
        return None
    regions = {AZ_NAME.fullmatch(n).group("region") for n in names}
    return names if len(regions) == 1 else None


def candidates(module: Module) -> list[tuple[Attribute, str]]:
    """(attribute, the resource address the finding is about), in module order."""
    found = []
    for block in module.blocks:
        if block.type == "locals":
            found += [(a, f"local.{a.name}") for a in block.attribute_list if zones_of(a)]
        elif block.type == "variable" and block.labels:
            default = block.get("default")
            overridden = module.variable_value_attribute(block.labels[0]) is not default
            if default is not None and not overridden and zones_of(default):
                found.append((default, block.address))
        elif block.type in ("resource", "data", "module"):
            for inner in block.walk():
                for attr in inner.attribute_list:
                    if _AZ_ARGUMENT.search(attr.name) and zones_of(attr):
                        found.append((attr, block.address))
    return sorted(found, key=lambda f: (f[0].path, f[0].start))


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    found = candidates(module)
    if not found:
        return
    data, data_edit = _data_source(module, found[0][0])
    for attr, resource in found:
        zones = zones_of(attr)
        region = AZ_NAME.fullmatch(zones[0]).group("region")
        single = attr.value() == zones[0]
        listed = f"zone {zones[0]}" if single else "zones " + hcl_list(hcl_string(z) for z in zones)
        users = _users(module, resource)
        message = (
            f"{resource} hard-codes availability {listed}: the module only works in {region}, "
            "and zone names map to different physical zones in every account"
        )
        fix = None
        replacement = _replacement(attr, zones, data)
        if replacement is not None and not resource.startswith("var."):
            edits = [replace_value(attr, replacement)]
            if data_edit is not None:
                edits.insert(0, data_edit)
            if users:
                message += (
                    f"; if the zones the data source returns differ from these, {', '.join(users)} "
                    "will be replaced"
                )
            elif resource.startswith("module."):
                message += (
                    f"; if the zones the data source returns differ from these, resources of {resource} "
                    "placed in them will be replaced"
                )
            fix = Fix.unsafe(f"Take the zones from data.{DATA_TYPE}.{data.split('.')[2]}", *edits)
        elif resource.startswith("var."):
            message += "; pass the zones from the caller, or look them up with data.aws_availability_zones"
        yield RULE.finding(attr, message, resource=resource, key=attr.name, fix=fix)


def _users(module: Module, address: str) -> list[str]:
    """Resources whose zone (a ForceNew argument) comes from `address` (a local or themselves)."""
    if not address.startswith("local."):
        block = module.find(address)
        return [address] if block is not None and block.type == "resource" else []
    users = []
    for block in module.resources():
        for inner in block.walk():
            uses = any(
                _AZ_ARGUMENT.search(a.name) and refers_to(module, a, address) for a in inner.attribute_list
            )
            if uses and block.address not in users:
                users.append(block.address)
    return users


def _data_source(module: Module, first: Attribute) -> tuple[str, object | None]:
    """The data source's address, and the edit that adds it when the module has none. Every
    finding's fix inserts it at the same place, so two fixes never both add one in a pass."""
    for block in module.data_sources(DATA_TYPE):
        if block.count is None and block.for_each is None:
            return f"data.{DATA_TYPE}.{block.name}", None
    name = "available"
    while module.find(f"data.{DATA_TYPE}.{name}") is not None:
        name += "_zones"
    data = HclBlock(
        f'data "{DATA_TYPE}" "{name}"',
        [
            ("state", hcl_string("available")),
            None,
            HclBlock(
                "filter",
                [
                    ("name", hcl_string("opt-in-status")),
                    ("values", hcl_list([hcl_string("opt-in-not-required")])),
                ],
            ),
        ],
    )
    anchor = _top_level(first)
    return f"data.{DATA_TYPE}.{name}", insert_before(anchor, data.render())


def _top_level(attr: Attribute) -> Block:
    block = attr.block
    while block.parent is not None:
        block = block.parent
    return block


def _replacement(attr: Attribute, zones: list[str], data: str) -> str | None:
    """`slice(names, i, j)` for consecutive zones in order, `[names[i], ...]` otherwise, `names[i]`
    for one zone: index = the zone's letter (a = 0), its place in a region's sorted zone list."""
    indexes = [ord(AZ_NAME.fullmatch(z).group("letter")) - ord("a") for z in zones]
    names = f"{data}.names"
    single = isinstance(attr.value(), str)
    if single:
        return f"{names}[{indexes[0]}]"
    wrapper = None
    if call_of(attr.expression, "toset", "tolist") is not None:
        wrapper = attr.source.split("(", 1)[0].strip()
    if indexes == list(range(indexes[0], indexes[0] + len(indexes))):
        value = f"slice({names}, {indexes[0]}, {indexes[0] + len(indexes)})"
    else:
        value = hcl_list(f"{names}[{i}]" for i in indexes)
    return f"{wrapper}({value})" if wrapper else value
