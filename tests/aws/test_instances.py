"""fixers.aws.instances: what an instance or Auto Scaling group boots (launch templates or
configurations of the module), whether that is a published AMI, its instance role, and who assumes a
role."""

from __future__ import annotations

from fixers.aws.instances import instance_role, launch_blocks, role_consumers, stock_image
from fixers.hcl.source import decode
from fixers.module import Module, parse_file

STACK = """
data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

data "aws_ami" "golden" {
  owners = ["123456789012"]
}

data "aws_ssm_parameter" "ubuntu" {
  name = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

resource "aws_iam_instance_profile" "app" {
  role = aws_iam_role.app.name
}

resource "aws_launch_template" "app" {
  image_id = data.aws_ami.al2023.id
  iam_instance_profile {
    arn = aws_iam_instance_profile.app.arn
  }
}

resource "aws_launch_template" "golden" {
  image_id = data.aws_ami.golden.id
}

resource "aws_autoscaling_group" "app" {
  max_size = 2
  min_size = 1
  launch_template {
    id = aws_launch_template.app.id
  }
}

resource "aws_autoscaling_group" "elsewhere" {
  max_size = 2
  min_size = 1
  launch_template {
    id = var.launch_template_id
  }
}

resource "aws_instance" "ubuntu" {
  ami                  = data.aws_ssm_parameter.ubuntu.value
  iam_instance_profile = aws_iam_instance_profile.app.name
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.app.arn
}

module "uses_role" {
  source   = "./child"
  role_arn = aws_iam_role.app.arn
}
"""


def module_of() -> Module:
    return Module.build(".", [parse_file(decode("main.tf", STACK.encode()))])


def test_an_asg_boots_its_launch_templates_and_one_defined_elsewhere_is_unknown():
    module = module_of()
    assert launch_blocks(module, module.find("aws_autoscaling_group.app")) == [
        module.find("aws_launch_template.app")
    ]
    assert launch_blocks(module, module.find("aws_autoscaling_group.elsewhere")) is None
    assert launch_blocks(module, module.find("aws_instance.ubuntu")) == [module.find("aws_instance.ubuntu")]


def test_published_amis_are_stock_images_and_an_owners_own_image_is_not():
    module = module_of()
    assert stock_image(module, module.find("aws_launch_template.app"))  # owners = ["amazon"]
    assert stock_image(module, module.find("aws_instance.ubuntu"))  # an /aws/service/ parameter
    assert not stock_image(module, module.find("aws_launch_template.golden"))
    assert not stock_image(module, module.find("aws_autoscaling_group.app"))  # boots nothing itself


def test_the_instance_role_is_found_through_the_instance_profile():
    module = module_of()
    role = module.find("aws_iam_role.app")
    assert instance_role(module, module.find("aws_launch_template.app")) is role
    assert instance_role(module, module.find("aws_instance.ubuntu")) is role
    assert instance_role(module, module.find("aws_launch_template.golden")) is None


def test_who_assumes_a_role_lambda_instances_and_module_calls():
    module = module_of()
    users = role_consumers(module, module.find("aws_iam_role.app"))
    assert users["lambda"] == [module.find("aws_lambda_function.worker")]
    assert users["instances"] == [module.find("aws_launch_template.app"), module.find("aws_instance.ubuntu")]
    assert users["other"] == [module.find("module.uses_role")]
    assert users["ecs"] == []
