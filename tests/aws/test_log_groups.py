"""fixers.aws.log_groups: a log group a fix adds keeps the retention the module already chose."""

from __future__ import annotations

import pytest

from fixers.aws.log_groups import DEFAULT_RETENTION, retention_source
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def module_of(text: str) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", text.encode()))])


def test_the_module_s_own_retention_is_copied_as_written():
    module = module_of(
        'variable "days" {\n  default = 30\n}\n'
        'resource "aws_cloudwatch_log_group" "a" {\n  name = "a"\n  retention_in_days = var.days\n}\n'
    )
    assert retention_source(module) == "var.days"


@pytest.mark.parametrize(
    "retention",
    [
        "0",  # never expires: not a choice to copy into a group added for its retention
        "42",  # CloudWatch rejects it
        "each.value",  # means something else in another resource
        "var.unknown",
        "true",
    ],
)
def test_without_a_valid_expiring_copyable_retention_the_default_is_used(retention):
    module = module_of(
        f'resource "aws_cloudwatch_log_group" "a" {{\n  name = "a"\n  retention_in_days = {retention}\n}}\n'
    )
    assert retention_source(module) == DEFAULT_RETENTION == "90"
