"""Evaluation: what a module can know statically, and unknown for everything else."""

import pytest

from fixers.evaluate import UNKNOWN, evaluate, is_known, traversals
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def module_of(text: str, tfvars: str | None = None) -> Module:
    files = [parse_file(decode("main.tf", text.encode()))]
    extra = [parse_file(decode("terraform.tfvars", tfvars.encode()))] if tfvars else []
    return Module.build(".", files, extra)


def local(text: str, name: str = "x", tfvars: str | None = None):
    module = module_of(text, tfvars)
    return module.locals[name].value()


BASE = """
variable "env" {
  default = "production"
}
variable "no_default" {}
"""


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"${var.env}-app"', "production-app"),
        ('format("%s-%03d", var.env, 7)', "production-007"),
        ('lower("ABC")', "abc"),
        ("upper(substr(var.env, 0, 4))", "PROD"),
        ('replace("a.b.c", ".", "-")', "a-b-c"),
        ('replace("a1b22", "/[0-9]+/", "")', "ab"),
        ('join("-", ["a", "b"])', "a-b"),
        ("length(concat([1], [2, 3]))", 3),
        ('trimsuffix("name-", "-")', "name"),
        ('trimprefix("xname", "x")', "name"),
        ('coalesce("", "b")', "b"),
        ('lookup({ a = 1 }, "b", 2)', 2),
        ("merge({ a = 1 }, { b = 2 })", {"a": 1, "b": 2}),
        ('jsonencode({ k = ["v"] })', '{"k":["v"]}'),
        ('var.env == "production" ? 3 : 1', 3),
        ('[for s in ["a", "b"] : upper(s) if s != "b"]', ["A"]),
        ("{ for k, v in { a = 1 } : k => v + 1 }", {"a": 2}),
        ("1 + 2 * 3", 7),
        ("!true", False),
        ('"$${literal}"', "${literal}"),
        ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
    ],
)
def test_known_values(expr, expected):
    assert local(BASE + f"locals {{\n  x = {expr}\n}}\n") == expected


@pytest.mark.parametrize(
    "expr",
    [
        '"${var.no_default}-app"',  # a variable without default
        "data.aws_caller_identity.current.account_id",
        "aws_s3_bucket.b.arn",  # a computed attribute
        "timestamp()",
        "unknown_function(1)",
        "var.no_default ? 1 : 2",
        '"${terraform.workspace}-x"',
        "each.key",
    ],
)
def test_unknown_values_never_guess(expr):
    assert local(BASE + f"locals {{\n  x = {expr}\n}}\n") is UNKNOWN


def test_locals_chain_across_definitions():
    text = BASE + 'locals {\n  a = "${var.env}-${local.b}"\n  b = lower("PAY")\n  x = upper(local.a)\n}\n'
    assert local(text) == "PRODUCTION-PAY"


def test_local_reference_cycle_is_unknown_not_a_crash():
    assert local("locals {\n  x = local.y\n  y = local.x\n}\n") is UNKNOWN


def test_tfvars_override_variable_defaults():
    assert local(BASE + "locals {\n  x = var.env\n}\n", tfvars='env = "staging"\n') == "staging"


def test_literal_resource_argument_is_known_but_computed_one_is_not():
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = "logs"\n}\nlocals {\n  x = aws_s3_bucket.b.bucket\n  y = aws_s3_bucket.b.id\n}\n'
    module = module_of(text)
    assert module.locals["x"].value() == "logs"
    assert module.locals["y"].value() is UNKNOWN


def test_heredoc_with_interpolation_is_evaluated_and_dedented():
    text = BASE + 'locals {\n  x = <<-EOT\n    env=${var.env}\n      nested "quoted" \\\\\n  EOT\n}\n'
    assert local(text) == 'env=production\n  nested "quoted" \\\\\n'


def test_partially_unknown_collections_keep_known_parts():
    value = local(BASE + "locals {\n  x = merge({ a = 1 }, { b = var.no_default })\n}\n")
    assert value["a"] == 1 and value["b"] is UNKNOWN
    assert not is_known(value)


def test_traversals_name_references_with_indexes():
    module = module_of('locals {\n  x = "${aws_s3_bucket.logs[0].id}/${var.env}"\n}\n')
    parts = traversals(module.locals["x"].expr)
    assert ("var", "env") in parts
    assert any(p[:2] == ("aws_s3_bucket", "logs") and p[3] == "id" for p in parts)


def test_evaluation_of_garbage_never_raises():
    module = module_of(BASE + 'locals {\n  x = 1 / 0\n  y = "a" + 1\n  z = [1][5]\n}\n')
    assert evaluate(module, module.locals["x"].expr) is UNKNOWN
    assert module.locals["y"].value() is UNKNOWN
    assert module.locals["z"].value() is UNKNOWN
