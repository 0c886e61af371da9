"""What `tapfix rules`, docs/rules.md, the rules' pages and SARIF say of a rule's fixes comes from its
declaration: `Rule.fix` (the kinds its fixes can be) and `Rule.fix_availability` (a fix on every
finding, on some, or never). Every rule runs on every fixture module under tests/rules and on the
example stack, and what it produces (before verification) must match what it declares, neither more
nor less. The engine checks the same on every scan (tests/engine/test_fix_declaration.py); this test
calls the rules directly, so it does not rely on that check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fixers.engine import load
from fixers.findings import FixAvailability
from fixers.rules import all_rules, rule_by_id
from fixers.workspace import read_module
from tests.rules.harness import RULES_DIR, every_rule

EXAMPLE_STACK = Path(__file__).parents[2] / "examples" / "aws-stack"

# Every rule, and a tag policy: TAP506's fixes that ask for new variables come with a policy.
EVERY_RULE_WITH_A_TAG_POLICY = every_rule().with_overrides(
    required_tags=["Environment", "Owner", "Project", "CostCenter"]
)

# Rules declared to fix `sometimes` whose fixtures all get a fix: each has a case without one in its
# code (mostly a count/for_each the new resources could not copy with the same meaning) that no
# fixture shows yet. A fixture that shows it takes the rule off this list (the test below says so).
NO_FIXTURE_WITHOUT_A_FIX = {
    "TAP102", "TAP203", "TAP211", "TAP221", "TAP223", "TAP301", "TAP304", "TAP305", "TAP401", "TAP402",
    "TAP403", "TAP505", "TAP507",
}  # fmt: skip


@dataclass
class Produced:
    """What one rule's findings carried over every module, as the rule produced them."""

    kinds: set[str] = field(default_factory=set)
    with_fix: int = 0
    without_fix: int = 0


def _modules() -> list[Path]:
    return [*sorted({path.parent for path in RULES_DIR.rglob("*.tf")}), EXAMPLE_STACK]


@pytest.fixture(scope="module")
def produced() -> dict[str, Produced]:
    found: dict[str, Produced] = defaultdict(Produced)
    for directory in _modules():
        for config in (every_rule(), EVERY_RULE_WITH_A_TAG_POLICY):
            module = load(read_module(directory, directory)).module
            for unit in all_rules():
                for finding in unit.check(module, config.rule_options):
                    seen = found[unit.rule.id]
                    if finding.fix is None:
                        seen.without_fix += 1
                    else:
                        seen.with_fix += 1
                        seen.kinds.add(finding.fix.applicability.value)
    return found


def _declared(availability: FixAvailability) -> set[str]:
    return {u.rule.id for u in all_rules() if u.rule.fix_availability == availability}


def test_each_rules_declared_fix_kinds_cover_every_fix_it_produces(produced):
    undeclared = {
        rule_id: sorted(seen.kinds - {a.value for a in rule_by_id()[rule_id].rule.fixes})
        for rule_id, seen in produced.items()
    }
    assert {r: k for r, k in undeclared.items() if k} == {}


def test_rules_declared_with_several_fix_kinds_produce_each_of_them(produced):
    # A declaration wider than what the rule does would be as wrong as a narrower one.
    several = {
        u.rule.id: {a.value for a in u.rule.fixes} for u in rule_by_id().values() if len(u.rule.fixes) > 1
    }
    assert several, "no rule declares more than one kind of fix"
    assert {r: produced[r].kinds for r in several} == several


def test_every_rule_that_declares_fixes_produces_one_somewhere(produced):
    fixing = {u.rule.id for u in all_rules() if u.rule.fix_availability != FixAvailability.NONE}
    assert {r for r in fixing if produced[r].with_fix == 0} == set()


def test_rules_declared_to_fix_always_carry_a_fix_on_every_finding(produced):
    always = _declared(FixAvailability.ALWAYS)
    assert always, "no rule declares a fix on every finding"
    assert {r: produced[r].without_fix for r in always} == dict.fromkeys(always, 0)


def test_rules_declared_without_fixes_produce_none(produced, tmp_path):
    # No fixture holds a file that does not parse; TAP000 reports one here.
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "broken" {\n')
    module = load(read_module(tmp_path, tmp_path)).module
    never = _declared(FixAvailability.NONE)
    assert never == {"TAP000"}
    findings = list(rule_by_id()["TAP000"].check(module, every_rule().rule_options))
    assert len(findings) == 1 and findings[0].fix is None
    assert {r: produced[r].with_fix for r in never} == dict.fromkeys(never, 0)


def test_rules_declared_to_fix_sometimes_show_a_finding_without_one_on_the_fixtures(produced):
    sometimes = _declared(FixAvailability.SOMETIMES)
    assert {r for r in sometimes if produced[r].without_fix == 0} == NO_FIXTURE_WITHOUT_A_FIX


def test_tap213s_fixes_that_change_a_running_groups_engine_version_are_not_safe(produced):
    assert "safe" not in produced["TAP213"].kinds
    assert rule_by_id()["TAP213"].rule.fixes[0].value == "unsafe"
