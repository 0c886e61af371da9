"""A fix that would leave Terraform that `terraform validate` rejects is withheld with the reason,
and the in-process check that rejects it agrees with `terraform validate` on the edited module.

One test rule (TAP998) reports SNS topics without `name`: `alerts` gets a good fix, `audit` the
fix under test, which names the topic too (the finding goes) and breaks the module in one way.
"""

from __future__ import annotations

import json

import pytest

import fixers.engine
from bot.command_line import main
from fixers.config import Config
from fixers.edits import edit, insert_after, set_attribute
from fixers.engine import apply_fix_texts, fix_module, load
from fixers.findings import Fix
from fixers.rules import RuleUnit, rule_by_id
from fixers.terraform_check import problems
from fixers.workspace import ModuleInput
from tests.support.naming_rule import NAMING, naming_rule

MODULE = (
    'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\n'
    'resource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n\n'
    '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n\n'
    'resource "aws_sns_topic" "alerts" {\n  display_name = "alerts"\n}\n\n'
    'resource "aws_sns_topic" "audit" {\n  display_name = "audit"\n}\n'
)


def _named(topic, value='"audit"'):
    return set_attribute(topic, "name", value)


def _undeclared_variable(topic):
    return Fix.safe("Name it from a variable", _named(topic, "var.audit_topic_name"))


def _undeclared_resource(topic):
    return Fix.safe("Name it after a queue", _named(topic, "aws_sqs_queue.audit.name"))


def _unknown_attribute(topic):
    return Fix.safe("Name it after the bucket", _named(topic, "aws_s3_bucket.logs.bucket_label"))


def _each_without_for_each(topic):
    return Fix.safe("Name it per key", _named(topic, "each.key"))


def _unknown_argument(topic):
    return Fix.safe("Name it and keep it", _named(topic), set_attribute(topic, "retention_days", "7"))


def _computed_argument(topic):
    return Fix.safe("Name it and pin its ARN", _named(topic), set_attribute(topic, "arn", '"arn:aws:sns:x"'))


def _misplaced_block(topic):
    # `versioning_configuration` belongs in aws_s3_bucket_versioning, not in the bucket itself.
    bucket = topic.module.find("aws_s3_bucket.logs")
    block = '\n\n  versioning_configuration {\n    status = "Enabled"\n  }'
    return Fix.safe(
        "Name it, version the bucket",
        _named(topic),
        edit(bucket.file, bucket.body_end - 1, bucket.body_end - 1, block),
    )


def _missing_required_argument(topic):
    policy = f'resource "aws_sns_topic_policy" "{topic.name}" {{\n  arn = aws_sns_topic.{topic.name}.arn\n}}'
    return Fix.safe("Name it and give it a policy", _named(topic), insert_after(topic, policy))


def _missing_required_block(topic):
    versioning = 'resource "aws_s3_bucket_versioning" "audit" {\n  bucket = aws_s3_bucket.logs.id\n}'
    return Fix.safe("Name it and version again", _named(topic), insert_after(topic, versioning))


def _duplicate_resource(topic):
    twin = 'resource "aws_sns_topic" "alerts" {\n  name = "alerts-twin"\n}'
    return Fix.safe("Name it and add a twin", _named(topic), insert_after(topic, twin))


def _unknown_type(topic):
    queue = 'resource "aws_sns_queue" "audit" {\n  name = "audit"\n}'
    return Fix.safe("Name it and queue it", _named(topic), insert_after(topic, queue))


def _undeclared_provider(topic):
    return Fix.safe(
        "Name it in another region", _named(topic), set_attribute(topic, "provider", "aws.replica")
    )


CASES = [
    (
        _undeclared_variable,
        "reference to undeclared input variable var.audit_topic_name",
        "Reference to undeclared input variable",
    ),
    (
        _undeclared_resource,
        "reference to undeclared resource aws_sqs_queue.audit",
        "Reference to undeclared resource",
    ),
    (_unknown_attribute, "aws_s3_bucket.logs has no attribute 'bucket_label'", "Unsupported attribute"),
    (
        _each_without_for_each,
        'reference to "each.key" where for_each is not set',
        'Reference to "each" in context without for_each',
    ),
    (_unknown_argument, "unsupported argument 'retention_days'", "Unsupported argument"),
    (
        _computed_argument,
        "'arn' is set by AWS and cannot be configured",
        "Value for unconfigurable attribute",
    ),
    (_misplaced_block, "unsupported block type 'versioning_configuration'", "Unsupported block type"),
    (_missing_required_argument, "the required argument 'policy' is missing", "Missing required argument"),
    (
        _missing_required_block,
        "at least 1 'versioning_configuration' block(s) required, found 0",
        "Insufficient versioning_configuration blocks",
    ),
    (_duplicate_resource, "Duplicate resource: aws_sns_topic.alerts is declared at", "Duplicate resource"),
    (_unknown_type, "has no resource type aws_sns_queue", "Invalid resource type"),
    (
        _undeclared_provider,
        "reference to undeclared provider configuration aws.replica",
        "Provider configuration not present",
    ),
]
IDS = [c[0].__name__.strip("_").replace("_", "-") for c in CASES]


def _edited(make_fix) -> dict[str, str]:
    """main.tf with the fix under test applied (what verification checks)."""
    loaded = load(ModuleInput(path=".", files={"main.tf": MODULE.encode()}))
    fix = make_fix(loaded.module.find("aws_sns_topic.audit"))
    return {"main.tf": apply_fix_texts(loaded, fix.edits)["main.tf"]}


@pytest.mark.parametrize(("make_fix", "reason", "terraform_says"), CASES, ids=IDS)
def test_a_fix_terraform_would_reject_is_withheld_with_the_reason(
    tmp_path, capsys, monkeypatch, make_fix, reason, terraform_says
):
    units = (rule_by_id()["TAP201"], naming_rule(make_fix))
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)
    (tmp_path / "main.tf").write_text(MODULE)
    main(["scan", str(tmp_path), "--format", "json"])
    offered = {
        f["resource"]: (f["fix"] is not None, f["fix_rejected"])
        for f in json.loads(capsys.readouterr().out)["findings"]
    }
    assert offered["aws_sns_topic.alerts"] == (True, None)
    has_fix, rejected = offered["aws_sns_topic.audit"]
    assert not has_fix
    assert rejected.startswith("terraform validate would reject the edited module: ")
    assert reason in rejected


@pytest.fixture(scope="module")
def validated(hcl_reference):
    modules = {"good": {"main.tf": MODULE}} | {
        name: _edited(case[0]) for name, case in zip(IDS, CASES, strict=True)
    }
    return hcl_reference.terraform_validate(modules)


@pytest.mark.parametrize(("make_fix", "reason", "terraform_says"), CASES, ids=IDS)
def test_terraform_validate_rejects_each_withheld_fix_for_the_same_reason(
    validated, make_fix, reason, terraform_says
):
    result = validated[IDS[CASES.index((make_fix, reason, terraform_says))]]
    assert not result.ok
    assert any(terraform_says in e for e in result.errors), result.summary()
    in_process = problems(
        load(ModuleInput(path=".", files={"main.tf": _edited(make_fix)["main.tf"].encode()})).module
    )
    assert any(reason in message for message in in_process.values())


def test_the_module_before_the_fixes_is_valid_for_both(validated):
    assert validated["good"].ok, validated["good"].summary()
    assert problems(load(ModuleInput(path=".", files={"main.tf": MODULE.encode()})).module) == {}


def _account_named_rule():
    """TAP998 names each topic after the account; a fix adds `data.aws_caller_identity.current` when
    the module has none, so each fix alone is valid and two of them together declare it twice."""

    def check(module, options):
        declared = module.data_sources("aws_caller_identity")
        for topic in module.resources("aws_sns_topic"):
            if topic.has("name"):
                continue
            name = set_attribute(topic, "name", '"${data.aws_caller_identity.current.account_id}-topic"')
            edits = (
                [name] if declared else [name, insert_after(topic, 'data "aws_caller_identity" "current" {}')]
            )
            yield NAMING.finding(topic, f"{topic.address} has no name", fix=Fix.safe("Name it", *edits))

    return RuleUnit(NAMING, check, rule_by_id()["TAP201"].source)


def test_fixes_valid_alone_that_declare_the_same_name_together_are_applied_in_turn(monkeypatch):
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (_account_named_rule(),))
    module = ModuleInput(path=".", files={"main.tf": MODULE.encode()})
    outcome = fix_module(module, Config())
    assert sorted(f.resource for f in outcome.applied) == ["aws_sns_topic.alerts", "aws_sns_topic.audit"]
    fixed = outcome.texts["main.tf"]
    assert fixed.count('data "aws_caller_identity" "current"') == 1
    assert problems(load(ModuleInput(path=".", files={"main.tf": fixed.encode()})).module) == {}
