"""IAM policy documents as rules read them (fixers/aws/iam.py): every form a module writes a
policy in gives the same statements, computed parts stay visible as placeholders, principals keep
where they are written, and a role's trust in a service is answered one way for every rule."""

import pytest

from fixers.aws.iam import (
    DOCUMENT,
    JSON_TEXT,
    JSONENCODE,
    Statement,
    append_statements,
    grants,
    read_policy,
    trust_policy,
    trusts_service,
)
from fixers.edits import apply_edits
from fixers.evaluate import UNKNOWN
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def module_of(source: str) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", source.encode()))])


def policy_of(source: str, address: str = "aws_s3_bucket_policy.p", name: str = "policy"):
    module = module_of(source)
    attr = module.find(address).get(name)
    return module, attr, read_policy(module, attr)


ELB = "arn:aws:iam::127311923021:root"

JSONENCODE_POLICY = """
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Logs"
      Effect    = "Allow"
      Action    = ["s3:PutObject"]
      Principal = { AWS = "arn:aws:iam::127311923021:root" }
      Resource  = "arn:aws:s3:::logs/*"
    }]
  })
}
"""

HEREDOC_POLICY = """
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "Logs",
    "Effect": "Allow",
    "Action": "s3:PutObject",
    "Principal": {"AWS": "arn:aws:iam::127311923021:root"},
    "Resource": "arn:aws:s3:::logs/*"
  }]
}
EOF
}
"""

QUOTED_POLICY = r"""
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = "{\"Statement\": [{\"Sid\": \"Logs\", \"Effect\": \"Allow\", \"Action\": \"s3:PutObject\", \"Principal\": {\"AWS\": \"arn:aws:iam::127311923021:root\"}, \"Resource\": \"arn:aws:s3:::logs/*\"}]}"
}
"""

DATA_SOURCE_POLICY = """
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = data.aws_iam_policy_document.logs.json
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "Logs"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::logs/*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::127311923021:root"]
    }
  }
}
"""

LOCAL_POLICY = """
locals {
  statement = {
    Sid       = "Logs"
    Effect    = "Allow"
    Action    = "s3:PutObject"
    Principal = { AWS = "arn:aws:iam::127311923021:root" }
    Resource  = "arn:aws:s3:::logs/*"
  }
  policy = jsonencode({ Statement = [local.statement] })
}

resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = local.policy
}
"""


@pytest.mark.parametrize(
    ("source", "form"),
    [
        (JSONENCODE_POLICY, JSONENCODE),
        (HEREDOC_POLICY, JSON_TEXT),
        (QUOTED_POLICY, JSON_TEXT),
        (DATA_SOURCE_POLICY, DOCUMENT),
        (LOCAL_POLICY, JSONENCODE),
        (
            DATA_SOURCE_POLICY.replace(
                "data.aws_iam_policy_document.logs.json", '"${data.aws_iam_policy_document.logs.json}"'
            ),
            DOCUMENT,
        ),
    ],
    ids=["jsonencode", "heredoc", "quoted-json", "data-source", "through-locals", "legacy-interpolation"],
)
def test_every_form_reads_as_the_same_statement(source, form):
    _module, _attr, document = policy_of(source)
    assert document.form == form
    assert document.complete
    [statement] = document.statements
    assert (statement.sid, statement.effect, statement.actions, statement.resources) == (
        "Logs",
        "Allow",
        ["s3:PutObject"],
        ["arn:aws:s3:::logs/*"],
    )
    assert [(p.kind, p.value) for p in statement.principals] == [("AWS", ELB)]
    assert document.grants("s3:PutObject") is True
    assert document.grants("s3:GetObject") is False


@pytest.mark.parametrize(
    "source",
    [JSONENCODE_POLICY, HEREDOC_POLICY, DATA_SOURCE_POLICY, LOCAL_POLICY],
    ids=["jsonencode", "heredoc", "data-source", "through-locals"],
)
def test_a_principal_keeps_the_span_it_is_written_at(source):
    _module, _attr, document = policy_of(source)
    principal = document.statements[0].principals[0]
    text = principal.span.file.text[principal.span.start : principal.span.end]
    assert text == f'"{ELB}"'


def test_a_computed_principal_reads_as_a_placeholder_naming_what_it_refers_to():
    _module, _attr, document = policy_of("""
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Principal = { AWS = [data.aws_elb_service_account.main.arn, "arn:aws:iam::${var.account}:root"] }
    }]
  })
}
""")
    principals = document.statements[0].principals
    assert [p.value for p in principals] == [
        "${data.aws_elb_service_account.main.arn}",
        "arn:aws:iam::${var.account}:root",
    ]
    assert all(p.in_list and not p.alone for p in principals)


def test_a_heredoc_with_an_unknown_interpolation_keeps_its_known_statements():
    _module, _attr, document = policy_of("""
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = <<EOF
{"Statement": [
  {"Effect": "Allow", "Action": "s3:PutObject", "Principal": {"AWS": "${var.writer}"}},
  {"Effect": "Allow", "Action": "${var.action}", "Principal": "*"}
]}
EOF
}
""")
    first, second = document.statements
    assert first.principals[0].value == "${var.writer}"
    assert first.actions == ["s3:PutObject"]
    assert second.actions == [UNKNOWN]  # a placeholder never stands for an action
    assert document.grants("s3:GetObject") is None


def test_an_unknown_action_element_makes_the_grant_unknown_unless_another_matches():
    module = module_of("""
variable "extra" {}

resource "aws_iam_role_policy" "p" {
  role = "r"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["xray:Put*", var.extra], Resource = "*" }]
  })
}
""")
    attr = module.find("aws_iam_role_policy.p").get("policy")
    assert read_policy(module, attr).statements[0].actions == ["xray:Put*", UNKNOWN]
    assert grants(module, attr, "xray:PutTraceSegments") is True
    assert grants(module, attr, "s3:GetObject") is None


def test_a_deny_statement_grants_nothing():
    _module, _attr, document = policy_of("""
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Principal = "*" }] })
}
""")
    assert document.grants("s3:PutObject") is False
    assert [(p.kind, p.value) for p in document.statements[0].principals] == [("*", "*")]


def test_a_data_source_merging_other_documents_is_incomplete():
    _module, _attr, document = policy_of(
        DATA_SOURCE_POLICY.replace(
            "  statement {", "  source_policy_documents = [var.base]\n\n  statement {", 1
        )
    )
    assert not document.complete
    assert document.sids() is None
    assert document.grants("s3:GetObject") is None


def test_a_policy_from_a_variable_cannot_be_read():
    module, attr, document = policy_of("""
variable "policy" {}

resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = var.policy
}
""")
    assert document is None
    assert grants(module, attr, "s3:PutObject") is None


def test_a_policy_is_read_once_per_module():
    module, attr, document = policy_of(JSONENCODE_POLICY)
    assert read_policy(module, attr) is document


@pytest.mark.parametrize(
    ("principal", "read"),
    [
        ("{ AWS = title(1) }", [("AWS", "${...}")]),
        ("title(1)", [("?", "${...}")]),
        ("{ (title(1)) = 1 }", []),
        ("{ AWS = [for x in 1 : x] }", [("AWS", "${...}")]),
        ("{ AWS = 1 / 0 }", [("AWS", "${...}")]),
    ],
)
def test_a_principal_the_evaluator_rejects_does_not_crash_the_reader(principal, read):
    _module, _attr, document = policy_of(f"""
resource "aws_s3_bucket_policy" "p" {{
  bucket = "logs"
  policy = jsonencode({{ Statement = [{{ Effect = "Allow", Action = "s3:PutObject", Principal = {principal} }}] }})
}}
""")
    (statement,) = document.statements
    assert statement.actions == ["s3:PutObject"]
    assert [(p.kind, p.value) for p in statement.principals] == read


# --- trust policies ------------------------------------------------------------------------------------

MONITORING = "monitoring.rds.amazonaws.com"


def role_module(policy: str, extra: str = "") -> Module:
    return module_of(f'resource "aws_iam_role" "r" {{\n  assume_role_policy = {policy}\n}}\n{extra}')


@pytest.mark.parametrize(
    ("policy", "extra"),
    [
        (trust_policy(MONITORING), ""),
        (
            "data.aws_iam_policy_document.trust.json",
            'data "aws_iam_policy_document" "trust" {\n  statement {\n    actions = ["sts:AssumeRole"]\n'
            '    principals {\n      type        = "Service"\n      identifiers = ["monitoring.rds.amazonaws.com"]\n'
            "    }\n  }\n}\n",
        ),
        (
            '<<EOF\n{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",'
            ' "Principal": {"Service": ["ec2.amazonaws.com", "monitoring.rds.amazonaws.com"]}}]}\nEOF',
            "",
        ),
        ("local.trust", f"locals {{\n  trust = {trust_policy(MONITORING)}\n}}\n"),
        (
            f"var.custom ? var.policy : {trust_policy(MONITORING)}",
            'variable "custom" {}\nvariable "policy" {}\n',
        ),
    ],
    ids=["jsonencode", "data-source", "heredoc-list", "local", "unknown-condition"],
)
def test_a_role_trusting_the_service_is_recognised_in_every_form(policy, extra):
    module = role_module(policy, extra)
    assert trusts_service(module, module.find("aws_iam_role.r"), MONITORING)


@pytest.mark.parametrize(
    ("policy", "extra"),
    [
        (trust_policy("ec2.amazonaws.com"), ""),
        (trust_policy(MONITORING).replace('"Allow"', '"Deny"'), ""),
        ("var.policy", 'variable "policy" {}\n'),
        (
            'jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",'
            ' Principal = { AWS = "arn:aws:iam::123456789012:role/monitoring.rds.amazonaws.com" } }] })',
            "",
        ),
        (f"false ? {trust_policy(MONITORING)} : {trust_policy('ec2.amazonaws.com')}", ""),
    ],
    ids=["other-service", "deny", "unknown", "aws-principal-mentioning-it", "condition-picks-other"],
)
def test_a_role_not_trusting_the_service_is_not_taken_for_one(policy, extra):
    module = role_module(policy, extra)
    assert not trusts_service(module, module.find("aws_iam_role.r"), MONITORING)


def test_a_role_without_a_trust_policy_trusts_nobody():
    module = module_of('resource "aws_iam_role" "r" {\n  name = "x"\n}\n')
    assert not trusts_service(module, module.find("aws_iam_role.r"), MONITORING)


def test_the_written_trust_policy_is_formatted_and_reads_back():
    assert trust_policy("backup.amazonaws.com") == (
        "jsonencode({\n"
        '  Version = "2012-10-17"\n'
        "  Statement = [{\n"
        '    Effect    = "Allow"\n'
        '    Action    = "sts:AssumeRole"\n'
        '    Principal = { Service = "backup.amazonaws.com" }\n'
        "  }]\n"
        "})"
    )
    module = role_module(trust_policy("backup.amazonaws.com"))
    document = read_policy(module, module.find("aws_iam_role.r").get("assume_role_policy"))
    assert document.statements[0].services() == ["backup.amazonaws.com"]
    assert document.statements[0].actions == ["sts:AssumeRole"]


# --- adding statements ------------------------------------------------------------------------------------


def test_appended_statements_read_back_with_the_existing_ones():
    source = """
resource "aws_s3_bucket_policy" "p" {
  bucket = "logs"
  policy = jsonencode({
    Statement = [
      {
        Sid       = "Old"
        Effect    = "Allow"
        Action    = "s3:GetObject"
        Principal = "*"
        Resource  = "arn:aws:s3:::logs/*"
      },
    ]
  })
}
"""
    module = module_of(source)
    attr = module.find("aws_s3_bucket_policy.p").get("policy")
    new = Statement.grant("New", "delivery.logs.amazonaws.com", ("s3:PutObject",), ('"arn:aws:s3:::logs/*"',))
    edits = append_statements(module, attr, [new])
    after = module_of(apply_edits(source, edits))
    document = read_policy(after, after.find("aws_s3_bucket_policy.p").get("policy"))
    assert [s.sid for s in document.statements] == ["Old", "New"]
    assert document.statements[1].services() == ["delivery.logs.amazonaws.com"]
    assert document.sids() == {"Old", "New"}


def test_a_one_line_statement_list_is_left_alone():
    source = (
        'resource "aws_s3_bucket_policy" "p" {\n  policy = jsonencode({ Statement = [{ Sid = "A" }] })\n}\n'
    )
    module = module_of(source)
    attr = module.find("aws_s3_bucket_policy.p").get("policy")
    assert (
        append_statements(module, attr, [Statement.grant("B", "x.amazonaws.com", ("a:b",), ('"*"',))]) == []
    )
