"""What the observability rules (TAP301-TAP306) share: telling stock AMIs from custom ones, the
instances a role or launch template reaches, and writing the HCL their fixes add.

A leading underscore keeps this module out of rule discovery.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lark import Tree

from fixers.evaluate import UNKNOWN, evaluate, traversals
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.rules._module_level import unwrap
from fixers.semantic.references import mentions_in

# CloudWatch Logs accepts only these retention periods (0 = never expire).
VALID_RETENTION = {
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
}  # fmt: skip
DEFAULT_RETENTION = "90"

# Owners whose AMIs are published images: nothing of ours (agent, daemon, config) is baked in.
_STOCK_AMI_OWNERS = {
    "amazon",
    "137112412989",  # Amazon Linux
    "099720109477",  # Canonical (Ubuntu)
    "136693071363",  # Debian
    "309956199498",  # Red Hat
}


# --- expressions -------------------------------------------------------------------------------


def partial_value(module: Module, node: Any) -> Any:
    """Like `evaluate`, but an object or tuple keeps its known parts when others are unknown."""
    node = unwrap(node)
    if isinstance(node, Tree) and node.data == "tuple":
        return [partial_value(module, c) for c in node.children if _is_expr(c)]
    if isinstance(node, Tree) and node.data == "object":
        out: dict[str, Any] = {}
        for element in node.children:
            if not (isinstance(element, Tree) and element.data == "object_elem"):
                continue
            key = _object_key(module, element.children[0])
            if not isinstance(key, str):
                return UNKNOWN
            out[key] = partial_value(module, element.children[-1])
        return out
    return evaluate(module, node)


def _is_expr(node: Any) -> bool:
    return isinstance(node, Tree) and node.data != "new_line_or_comment"


def _object_key(module: Module, key_node: Tree) -> Any:
    inner = [c for c in key_node.children if _is_expr(c)]
    if not inner:
        return UNKNOWN
    term = unwrap(inner[0])
    if isinstance(term, Tree) and term.data == "identifier":
        return str(term.children[0])
    return evaluate(module, inner[0])


@dataclass(frozen=True)
class Part:
    """A sub-expression of an attribute (the value of one object element), usable where the
    helpers here take an attribute: `targets`, `referenced`, `reusable_source`."""

    attribute: Attribute
    expr: Any

    @property
    def source(self) -> str:
        return self.attribute.file.text[self.expr.meta.start_pos : self.expr.meta.end_pos]


def element(attr: Attribute | None, key: str, *, nested: bool = False, equals: Any = None) -> Part | None:
    """The value expression of object key `key` in `attr` (at the top level, or anywhere
    inside when `nested`; the first one whose value is `equals`, when given), or None."""
    if attr is None:
        return None
    top = unwrap(attr.expr)
    if not nested and not (isinstance(top, Tree) and top.data == "object"):
        return None
    nodes = attr.expr.iter_subtrees_topdown() if nested else top.children
    for node in nodes:
        if not (isinstance(node, Tree) and node.data == "object_elem") or not node.children[0].children:
            continue
        name = unwrap(node.children[0].children[0])
        text = "".join(str(t) for t in name.scan_values(lambda _: True)) if isinstance(name, Tree) else ""
        if text.strip('"') != key:
            continue
        value = unwrap(node.children[-1])
        if equals is None or evaluate(attr.block.module if attr.block else None, value) == equals:
            return Part(attr, value)
    return None


def targets(attr: Attribute | Part | None) -> list[str]:
    """The resource addresses an attribute mentions (`aws_iam_role.app`), in order."""
    if attr is None:
        return []
    return [m.address.node for m in mentions_in(attr.expr) if m.address.kind in ("resource", "data")]


def referenced(module: Module, attr: Attribute | Part | None, *types: str) -> list[Block]:
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
    from fixers.companions import instance_count

    return instance_count(block) != 0


def string_with(attr: Attribute | None, prefix: str = "", suffix: str = "", fallback: str = "") -> str:
    """An HCL string `prefix + <attr's value> + suffix`, written from the attribute's source so the
    new resource gets no dependency on the one it copies from (which could form a cycle)."""
    literal_prefix, literal_suffix = _escape(prefix), _escape(suffix)
    if attr is None:
        return f'"{literal_prefix}{_escape(fallback)}{literal_suffix}"'
    node = unwrap(attr.expr)
    source = attr.source
    if isinstance(node, Tree) and node.data == "string" and "\n" not in source:
        return f'"{literal_prefix}{source[1:-1]}{literal_suffix}"'
    return f'"{literal_prefix}${{{source}}}{literal_suffix}"'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${").replace("%{", "%%{")


def reusable_source(attr: Attribute | Part) -> bool:
    """True when an attribute's source means the same thing copied into another resource."""
    return not any(parts[:1] in (("count",), ("each",), ("self",)) for parts in traversals(attr.expr))


def retention_source(module: Module) -> str:
    """The retention to give a new log group: the module's own choice when it has one."""
    for group in module.resources("aws_cloudwatch_log_group"):
        attr = group.get("retention_in_days")
        if attr is None or not reusable_source(attr):
            continue
        value = attr.value()
        if isinstance(value, int) and not isinstance(value, bool) and value in VALID_RETENTION and value:
            return attr.source
    return DEFAULT_RETENTION


# --- instances: images, launch blocks, roles -----------------------------------------------------------


def stock_image(module: Module, block: Block) -> bool:
    """True when the instances boot a published AMI (Amazon, Canonical, Debian, Red Hat), so
    nothing the module does not install can be on them."""
    attr = block.get("image_id") or block.get("ami")
    if attr is None:
        return False
    sources = targets(attr)
    if len(sources) != 1:
        return False
    source = module.find(sources[0])
    if source is None:
        return False
    if source.resource_type == "aws_ami" and source.type == "data":
        owners = source.value("owners")
        return isinstance(owners, list) and bool(owners) and all(o in _STOCK_AMI_OWNERS for o in owners)
    if source.resource_type == "aws_ssm_parameter" and source.type == "data":
        name = source.value("name")
        return isinstance(name, str) and name.startswith("/aws/service/")
    return False


def launch_blocks(module: Module, compute: Block) -> list[Block] | None:
    """The blocks that define what an ASG or instance boots (launch templates/configurations,
    or the instance itself); None when one of them is not in the module."""
    if compute.resource_type == "aws_instance":
        found = [compute]
        for spec in compute.nested("launch_template"):
            templates = referenced(module, spec.get("id") or spec.get("name"), "aws_launch_template")
            if not templates:
                return None
            found.extend(templates)
        return found
    attrs: list[Attribute | None] = []
    for spec in compute.nested("launch_template"):
        attrs.append(spec.get("id") or spec.get("name"))
    if compute.has("launch_configuration"):
        attrs.append(compute.get("launch_configuration"))
    for policy in compute.nested("mixed_instances_policy"):
        for template in policy.nested("launch_template"):
            for spec in template.nested("launch_template_specification"):
                attrs.append(spec.get("launch_template_id") or spec.get("launch_template_name"))
    found = []
    for attr in attrs:
        blocks = referenced(module, attr, "aws_launch_template", "aws_launch_configuration")
        if not blocks:
            return None
        found.extend(b for b in blocks if b not in found)
    return found or None


def instance_role(module: Module, launch: Block) -> Block | None:
    """The IAM role reaching instances through their instance profile, when in the module."""
    if launch.resource_type == "aws_launch_template":
        specs = launch.nested("iam_instance_profile")
        attr = (specs[0].get("arn") or specs[0].get("name")) if specs else None
    else:
        attr = launch.get("iam_instance_profile")
    profiles = referenced(module, attr, "aws_iam_instance_profile")
    if len(profiles) != 1:
        return None
    roles = referenced(module, profiles[0].get("role"), "aws_iam_role")
    return roles[0] if len(roles) == 1 else None


def compute_blocks(module: Module) -> Iterator[Block]:
    yield from module.resources("aws_autoscaling_group", "aws_instance")


def role_consumers(module: Module, role: Block) -> dict[str, list[Block]]:
    """Who assumes `role`: Lambda functions, ECS task definitions, and instance launchers
    (launch templates/configurations and instances, through an instance profile)."""
    out: dict[str, list[Block]] = {"lambda": [], "ecs": [], "instances": [], "other": []}
    for user in module.referrers(role):
        kind = user.resource_type
        if kind == "aws_lambda_function":
            out["lambda"].append(user)
        elif kind == "aws_ecs_task_definition":
            out["ecs"].append(user)
        elif kind == "aws_iam_instance_profile":
            for launcher in module.referrers(user):
                if launcher.resource_type in (
                    "aws_launch_template",
                    "aws_launch_configuration",
                    "aws_instance",
                ):
                    out["instances"].append(launcher)
                elif launcher.type == "module":
                    out["other"].append(launcher)
        elif user.type == "module":
            out["other"].append(user)
    return out


def asgs_using(module: Module, launch: Block) -> list[Block]:
    return [b for b in module.referrers(launch) if b.resource_type == "aws_autoscaling_group"]
