"""Plain and partial evaluation are two modes of one evaluator: one cache, one cycle guard, one set of
limits shared by every evaluator a value derives, and one place where an exception becomes unknown.
The inputs below crashed a rule, or the PR review, when the modes were two classes that had drifted."""

from __future__ import annotations

import time

import pytest

from fixers.config import Config
from fixers.engine import scan
from fixers.evaluate import UNKNOWN, evaluate, evaluate_partial, file_argument, referenced_files
from fixers.hcl.source import decode
from fixers.module import Module, parse_file
from fixers.workspace import ModuleInput

POLICY = """\
resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    enabled = true
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = %s }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.logs.arn}/*"
    }]
  })
}
"""

INSTANCE = """\
resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.small"
  user_data     = file("${path.module}/${1 / 0}.sh")
}
"""


def module_of(text: str) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", text.encode()))])


def scan_text(text: str):
    return scan([ModuleInput(path=".", files={"main.tf": text.encode()})], Config(), jobs=1)


def attribute(module: Module, address: str, name: str):
    return module.find(address).attributes[name]


def test_a_principal_of_the_wrong_type_is_unknown_and_tap204_reports_as_for_any_unknown_principal():
    crashing = scan_text(POLICY % "title(1)")
    unknown = scan_text(POLICY % "var.elb_account_arn")
    assert crashing.errors == []
    assert [(f.rule_id, f.line) for f in crashing.findings if f.rule_id == "TAP204"] == [
        (f.rule_id, f.line) for f in unknown.findings if f.rule_id == "TAP204"
    ]


def test_a_division_by_zero_in_a_user_data_path_is_an_unknown_file_not_a_crash():
    module = module_of(INSTANCE)
    call = attribute(module, "aws_instance.web", "user_data").expr
    assert evaluate(module, call) is UNKNOWN
    assert referenced_files(module) == set()
    report = scan_text(INSTANCE)
    assert report.errors == []
    assert not [f for f in report.findings if f.rule_id == "TAP301"]


@pytest.mark.parametrize(
    "expr",
    [
        "title(1)",
        "1 / 0",
        'cidrsubnet("x", 1, 1)',
        "[1][5 / 0]",
        'format("%d", "x")',
        "!1",
        'tonumber("x")',
        'jsondecode("{")',
    ],
)
def test_every_failure_inside_a_partial_document_is_a_placeholder_not_an_exception(expr):
    module = module_of(f"locals {{\n  bad = {expr}\n  doc = {{ Principal = {{ AWS = local.bad }} }}\n}}\n")
    value = evaluate_partial(module, module.locals["doc"].expr)
    assert value == {"Principal": {"AWS": "${local.bad}"}}
    assert evaluate_partial(module, module.locals["bad"].expr) == "${...}"
    assert evaluate(module, module.locals["doc"].expr) in (UNKNOWN, {"Principal": {"AWS": UNKNOWN}})
    assert file_argument(module, module.locals["bad"].expr) is None


def chain(length: int) -> Module:
    lines = ["  l0 = { a = 1 }"] + [
        f"  l{i} = [local.l{i - 1}, local.l{i - 1}][0]" for i in range(1, length + 1)
    ]
    return module_of("locals {\n" + "\n".join(lines) + "\n}\n")


@pytest.mark.parametrize("evaluation", [evaluate, evaluate_partial])
def test_a_chain_of_locals_each_referenced_twice_is_evaluated_once_per_local(evaluation):
    # Without a cache each local evaluated its predecessor twice: 2^23 evaluations for 23 lines.
    module = chain(23)
    start = time.process_time()
    value = evaluation(module, module.locals["l23"].expr)
    assert value == {"a": 1}
    assert time.process_time() - start < 1


def test_a_local_referenced_twice_is_evaluated_once_in_each_mode():
    module = chain(3)
    evaluate_partial(module, module.locals["l3"].expr)
    evaluate(module, module.locals["l3"].expr)
    cached = {(key[1], key[2]) for key in module._eval_cache}
    assert cached == {(True, False), (False, False)}  # partial and plain, one entry per local each
    assert len(module._eval_cache) == 2 * 3


def test_depth_is_counted_across_referenced_locals_and_does_not_restart_at_each_reference():
    # Each local nests its predecessor inside a few levels: the depth of the whole value grows with
    # the chain; a chain past the limit is unknown as a whole (and its middle still known alone).
    lines = ["  l0 = 1"] + [f"  l{i} = [[[[local.l{i - 1}]]]][0][0][0][0]" for i in range(1, 101)]
    module = module_of("locals {\n" + "\n".join(lines) + "\n}\n")
    assert evaluate(module, module.locals["l100"].expr) is UNKNOWN
    assert module.locals["l5"].value() == 1
    # Nothing half-computed was kept as a local's value: once every fifth link is known (each
    # computed from a fresh start), the same chain resolves.
    for i in range(0, 101, 5):
        assert module.locals[f"l{i}"].value() == 1


def test_a_reference_cycle_is_unknown_in_both_modes():
    module = module_of('locals {\n  a = "x${local.b}"\n  b = "y${local.a}"\n}\n')
    assert evaluate(module, module.locals["a"].expr) is UNKNOWN
    # local.a, read again inside its own value, is a placeholder
    assert evaluate_partial(module, module.locals["a"].expr) == "xyx${local.b}"
