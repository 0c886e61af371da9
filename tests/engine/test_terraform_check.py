"""The in-process `terraform validate` check on valid Terraform that looks like a mistake, and on the
mistakes it must see (tests/test_fix_terraform_validity.py compares both with terraform itself)."""

from __future__ import annotations

import pytest

from fixers.engine import load
from fixers.terraform_check import new_problem, problems
from fixers.workspace import ModuleInput


def _problems(text: str) -> list[str]:
    return sorted(problems(load(ModuleInput(path=".", files={"main.tf": text.encode()})).module).values())


VALID = {
    "for-expression-names": """
variable "subnets" {
  type = map(string)
}

locals {
  ids   = [for name, id in var.subnets : id if name != ""]
  names = "%{for name, id in var.subnets}${name} %{endfor}"
}
""",
    "dynamic-block-iterator": """
variable "ports" {
  type = list(number)
}

resource "aws_security_group" "web" {
  name = "web"

  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
""",
    "count-and-for-each-instances": """
resource "aws_sns_topic" "per_env" {
  for_each = toset(["dev", "prod"])
  name     = "alerts-${each.key}"
}

resource "aws_sqs_queue" "numbered" {
  count = 2
  name  = "q-${count.index}"
}

output "arns" {
  value = [aws_sns_topic.per_env["dev"].arn, aws_sqs_queue.numbered[0].arn, aws_sqs_queue.numbered[*].id]
}
""",
    "check-scoped-data-and-ephemeral": """
check "account" {
  data "aws_caller_identity" "me" {}

  assert {
    condition     = data.aws_caller_identity.me.account_id != ""
    error_message = "no account"
  }
}
""",
    "providers-map-keys-name-the-child-aliases": """
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

module "replica" {
  source    = "./replica"
  providers = { aws.east = aws.west }
}
""",
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_terraform_that_looks_unusual_has_no_problem(text):
    assert _problems(text) == []


INVALID = {
    "key-on-a-single-resource": (
        'resource "aws_sns_topic" "one" {\n  name = "one"\n}\n\noutput "arn" {\n  value = aws_sns_topic.one[0].arn\n}\n',
        "output.arn (main.tf:6): aws_sns_topic.one has no count or for_each, so it takes no instance key",
    ),
    "no-key-on-a-counted-resource": (
        'resource "aws_sns_topic" "many" {\n  count = 2\n  name  = "t${count.index}"\n}\n\n'
        'output "arn" {\n  value = aws_sns_topic.many.arn\n}\n',
        "output.arn (main.tf:7): aws_sns_topic.many has count or for_each: its attributes need an instance key",
    ),
    "count-outside-a-counted-block": (
        'resource "aws_sns_topic" "one" {\n  name = "t${count.index}"\n}\n',
        'aws_sns_topic.one (main.tf:2): reference to "count.index" where count is not set',
    ),
    "two-provider-configurations-without-alias": (
        'provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  region = "us-east-1"\n}\n',
        "Duplicate provider configuration: aws is declared at main.tf:1 and again at main.tf:5",
    ),
    "local-declared-twice": (
        'locals {\n  name = "a"\n}\n\nlocals {\n  name = "b"\n}\n',
        "Duplicate local value: name is declared at main.tf:2 and again at main.tf:6",
    ),
    "too-many-single-blocks": (
        'resource "aws_s3_bucket_versioning" "v" {\n  bucket = "b"\n\n'
        '  versioning_configuration {\n    status = "Enabled"\n  }\n\n'
        '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n',
        "aws_s3_bucket_versioning.v (main.tf:1): at most 1 'versioning_configuration' block(s) allowed, found 2",
    ),
}


TERRAFORM_SAYS = {
    "key-on-a-single-resource": "Unexpected resource instance key",
    "no-key-on-a-counted-resource": "Missing resource instance key",
    "count-outside-a-counted-block": 'Reference to "count" in non-counted context',
    "two-provider-configurations-without-alias": "Duplicate provider configuration",
    "local-declared-twice": "Duplicate local value definition",
    "too-many-single-blocks": "Too many versioning_configuration blocks",
}


@pytest.mark.parametrize(("text", "message"), INVALID.values(), ids=INVALID.keys())
def test_what_terraform_validate_rejects_is_reported_with_where(text, message):
    assert _problems(text) == [message]


@pytest.fixture(scope="module")
def validated(hcl_reference):
    return hcl_reference.terraform_validate({name: {"main.tf": text} for name, (text, _) in INVALID.items()})


@pytest.mark.parametrize("name", INVALID.keys())
def test_terraform_validate_rejects_each_for_the_same_reason(validated, name):
    assert any(TERRAFORM_SAYS[name] in error for error in validated[name].errors), validated[name].summary()


def test_only_problems_the_edit_brings_count():
    # The module already references an undeclared variable: an edit that leaves it is not blamed.
    broken = 'resource "aws_sns_topic" "t" {\n  name = var.missing\n}\n'
    before = load(ModuleInput(path=".", files={"main.tf": broken.encode()})).module
    worse = load(
        ModuleInput(path=".", files={"main.tf": (broken + '\noutput "o" {\n  value = local.x\n}\n').encode()})
    )
    assert new_problem(before, load(ModuleInput(path=".", files={"main.tf": broken.encode()})).module) is None
    assert (
        new_problem(before, worse.module)
        == "output.o (main.tf:6): reference to undeclared local value local.x"
    )
