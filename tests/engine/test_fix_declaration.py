"""The engine holds each rule to the fixes it declares (`Rule.fix`, `Rule.fix_availability`), checking
every finding as the rule produced it, before verification: a fix of a kind the rule does not declare,
a fix from a rule that declares none, and no fix from a rule that declares one on every finding are
each an internal error of that rule. It names the rule, the file and the resource; the scan goes on,
the finding is kept without the undeclared fix, and the run exits 2 as for a rule that crashed.
Test-only rules that lie about their fixes show it."""

from __future__ import annotations

import json

import pytest

import fixers.engine
from bot.command_line import main
from fixers.config import Config
from fixers.edits import set_attribute
from fixers.engine import scan
from fixers.findings import Applicability, Fix, FixAvailability, Rule, Severity
from fixers.rules import RuleUnit, rule_by_id
from fixers.workspace import ModuleInput

TOPICS = (
    'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\n'
    'resource "aws_sns_topic" "alerts" {\n  display_name = "alerts"\n}\n'
)


def _topic_rule(make_fix, fix=Applicability.SAFE, availability=FixAvailability.SOMETIMES) -> RuleUnit:
    """TAP996 reports an `aws_sns_topic` without `name`, with the fix `make_fix` gives, declaring
    `fix` and `availability`."""
    rule = Rule(
        id="TAP996",
        name="topic-unnamed",
        severity=Severity.LOW,
        why="test rule",
        fix=fix,
        fix_availability=availability,
    )

    def check(module, options):
        for topic in module.resources("aws_sns_topic"):
            if not topic.has("name"):
                yield rule.finding(topic, f"{topic.address} has no name", fix=make_fix(topic))

    return RuleUnit(rule, check, None)


def _name_it(applicability: Applicability):
    def make_fix(topic) -> Fix:
        edits = tuple(set_attribute(topic, "name", f'"{topic.name}"'))
        return Fix(applicability=applicability, description="Name the topic", edits=edits)

    return make_fix


def _scan(monkeypatch, unit: RuleUnit):
    units = (rule_by_id()["TAP201"], unit)
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)
    module = ModuleInput(path=".", files={"main.tf": TOPICS.encode()})
    return scan([module], Config(select=["TAP201", "TAP996"]), jobs=1)


LIES = [
    (
        _topic_rule(_name_it(Applicability.UNSAFE)),
        "its fix is unsafe, but the rule declares safe",
    ),
    (
        _topic_rule(_name_it(Applicability.DISPLAY_ONLY), fix=(Applicability.SAFE, Applicability.UNSAFE)),
        "its fix is display-only, but the rule declares safe/unsafe",
    ),
    (
        _topic_rule(_name_it(Applicability.SAFE), fix=None, availability=FixAvailability.NONE),
        "its fix is safe, but the rule declares none",
    ),
    (
        _topic_rule(lambda topic: None, availability=FixAvailability.ALWAYS),
        "it carries no fix, but the rule declares a fix on every finding",
    ),
]
LIE_IDS = ["undeclared-kind", "kind-outside-several", "fix-from-a-rule-without-fixes", "always-without-fix"]


@pytest.mark.parametrize(("unit", "why"), LIES, ids=LIE_IDS)
def test_a_finding_beyond_its_rules_fix_declaration_is_a_located_internal_error_of_that_rule(
    monkeypatch, unit, why
):
    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)
    report = _scan(monkeypatch, unit)
    assert [(e.path, e.message) for e in report.errors] == [
        (".", f"internal error in rule TAP996: its finding on aws_sns_topic.alerts in main.tf: {why}")
    ]
    by_rule = {f.rule_id: f for f in report.findings}
    # the finding stays, without the fix its rule does not declare; the other rules are unaffected
    topic = by_rule["TAP996"]
    assert (topic.resource, topic.fix) == ("aws_sns_topic.alerts", None)
    assert topic.fix_rejected == (None if "no fix" in why else f"internal error in rule TAP996: {why}")
    assert by_rule["TAP201"].fix is not None and by_rule["TAP201"].fix.applicability == Applicability.SAFE


@pytest.mark.parametrize(
    "unit",
    [
        _topic_rule(_name_it(Applicability.SAFE), availability=FixAvailability.ALWAYS),
        _topic_rule(lambda topic: None),
        _topic_rule(_name_it(Applicability.UNSAFE), fix=(Applicability.SAFE, Applicability.UNSAFE)),
    ],
    ids=["always-with-fix", "sometimes-without-fix", "one-of-several-kinds"],
)
def test_a_finding_within_its_rules_fix_declaration_is_reported_as_it_is(monkeypatch, unit):
    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)
    report = _scan(monkeypatch, unit)
    assert report.errors == []
    (topic,) = [f for f in report.findings if f.rule_id == "TAP996"]
    assert topic.fix_rejected is None


def test_with_tapfix_debug_a_rule_beyond_its_declaration_stops_the_scan_naming_rule_and_place(monkeypatch):
    # The tests run with TAPFIX_DEBUG=1 (tests/conftest.py): a rule that lies on any fixture fails them.
    monkeypatch.setenv("TAPFIX_DEBUG", "1")
    with pytest.raises(AssertionError) as raised:
        _scan(monkeypatch, LIES[0][0])
    assert str(raised.value) == "TAP996 at main.tf:5: its fix is unsafe, but the rule declares safe"


def test_the_command_line_reports_a_rule_beyond_its_declaration_as_an_internal_error_exit_2(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (rule_by_id()["TAP201"], LIES[0][0]))
    (tmp_path / "main.tf").write_text(TOPICS)
    code = main(["scan", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    assert [e["message"] for e in report["errors"]] == [
        "internal error in rule TAP996: its finding on aws_sns_topic.alerts in main.tf: "
        "its fix is unsafe, but the rule declares safe"
    ]
    assert sorted(f["rule_id"] for f in report["findings"]) == ["TAP201", "TAP996"]


def test_a_rule_declares_fix_kinds_exactly_when_it_declares_fixes_available():
    with pytest.raises(ValueError, match="a rule offers no fix exactly when it declares no kind"):
        Rule(id="TAP996", name="x", severity=Severity.LOW, why="x", fix=Applicability.SAFE)
    with pytest.raises(ValueError, match="a rule offers no fix exactly when it declares no kind"):
        Rule(id="TAP996", name="x", severity=Severity.LOW, why="x", fix_availability=FixAvailability.ALWAYS)
