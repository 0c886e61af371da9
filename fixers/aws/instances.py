"""EC2 instances as the observability rules see them: what an instance or Auto Scaling group boots
(its launch templates or configurations), whether that is a published AMI, and the IAM role the
instances run with; who assumes a role.
"""

from __future__ import annotations

from fixers.companions import referenced, targets
from fixers.model import Attribute, Block
from fixers.module import Module

# Owners whose AMIs are published images: nothing of ours (agent, daemon, config) is baked in.
_STOCK_AMI_OWNERS = {
    "amazon",
    "137112412989",  # Amazon Linux
    "099720109477",  # Canonical (Ubuntu)
    "136693071363",  # Debian
    "309956199498",  # Red Hat
}


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
