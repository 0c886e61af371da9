"""A test rule whose fixes the test chooses: TAP998 reports every `aws_sns_topic` without `name`;
`alerts` always gets a good fix, `audit` the fix under test. The fix-verification tests offer it
fixes that are good, broken, or invalid as Terraform, and look at what tapfix keeps."""

from __future__ import annotations

from fixers.edits import set_attribute
from fixers.findings import Applicability, Fix, FixAvailability, Rule, Severity
from fixers.rules import RuleUnit, rule_by_id

NAMING = Rule(
    id="TAP998",
    name="topic-name-missing",
    severity=Severity.LOW,
    why="test rule",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.ALWAYS,
)


def good_fix(topic):
    return Fix.safe("Name the topic", set_attribute(topic, "name", f'"{topic.name}"'))


def naming_rule(make_fix_for_audit):
    def check(module, options):
        for topic in module.resources("aws_sns_topic"):
            if not topic.has("name"):
                fix = good_fix(topic) if topic.name == "alerts" else make_fix_for_audit(topic)
                yield NAMING.finding(topic, f"{topic.address} has no name", fix=fix)

    return RuleUnit(NAMING, check, rule_by_id()["TAP201"].source)
