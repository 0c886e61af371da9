"""`"${aws_security_group.alb.id}"` (Terraform 0.11's way to write a reference) is the reference
itself: every rule sees the same value, the same references and the same module as with the bare
`aws_security_group.alb.id`. TAP101 said "its security group is not defined in this module" for a
group two blocks above."""

from pathlib import Path

from fixers.engine import fix_module, scan
from fixers.evaluate import evaluate
from fixers.hcl.source import decode
from fixers.module import Module, parse_file
from fixers.workspace import read_module
from tests.rules.harness import every_rule, scan_fixture, where

# Outside tests/rules: `terraform fmt` rewrites "${x}" to x, and rule fixtures must be fmt-clean.
LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_interpolation"


def scan_legacy(case: str) -> list:
    report = scan([read_module(LEGACY / case, LEGACY / case)], every_rule(), jobs=1)
    assert report.errors == []
    return [f for f in report.findings if f.rule_id == "TAP101"]


def test_tap101_finds_and_fixes_the_legacy_form_exactly_as_the_bare_reference(hcl_reference):
    bare = scan_fixture("TAP101/sg_rule_alb_targets", "TAP101")
    legacy = scan_legacy("rule_on_group_above")
    assert where(legacy) == where(bare) == [("TAP101", "main.tf", 39, "aws_security_group_rule.alb_out")]
    assert legacy[0].message == bare[0].message
    assert legacy[0].message.startswith("aws_security_group_rule.alb_out lets aws_security_group.alb send")
    assert legacy[0].fix is not None and legacy[0].fix.applicability == bare[0].fix.applicability
    directory = LEGACY / "rule_on_group_above"
    outcome = fix_module(read_module(directory, directory), every_rule(), unsafe=True, rule_ids={"TAP101"})
    fixed = outcome.texts["main.tf"]
    assert 'resource "aws_security_group_rule" "alb_out"' not in fixed
    assert 'resource "aws_security_group_rule" "alb_to_vpc_8081"' in fixed
    result = hcl_reference.terraform_validate_many({"legacy": {"main.tf": fixed}})["legacy"]
    assert result.errors == [], result.summary()


def test_tap101_keeps_quiet_on_a_narrow_rule_written_in_the_legacy_form():
    assert scan_legacy("ok_narrow_rule") == []


def test_a_lone_interpolation_keeps_the_value_a_template_makes_text():
    text = (
        'locals {\n  list = ["a", "b"]\n  same = "${local.list}"\n  text = "x${local.list[0]}"\n'
        '  spaced = " ${local.list[0]}"\n}\n'
    )
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])
    assert module.locals["same"].value() == ["a", "b"]
    assert module.locals["text"].value() == "xa"
    assert module.locals["spaced"].value() == " a"
    assert [r.source.address for r in module.references_to("local.list")] == ["locals", "locals", "locals"]
    assert evaluate(module, module.locals["same"].expr) == ["a", "b"]
