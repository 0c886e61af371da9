"""What `tapfix rules`, docs/rules.md and SARIF say a rule's fix is comes from its declaration
(`Rule.fix`): each applicability a rule's fixes carry on any fixture under tests/rules must be
declared, so that no catalog calls a rule's fixes safe while some of them are unsafe or display-only."""

from __future__ import annotations

import pytest

from fixers.engine import load, run_rules
from fixers.rules import rule_by_id
from fixers.workspace import read_module
from tests.rules.harness import RULES_DIR, every_rule


def _fixture_modules() -> list:
    return sorted({path.parent for path in RULES_DIR.rglob("*.tf")})


# Every rule, and a tag policy: TAP506's fixes that ask for new variables come with a policy.
EVERY_RULE_WITH_A_TAG_POLICY = every_rule().with_overrides(
    required_tags=["Environment", "Owner", "Project", "CostCenter"]
)


@pytest.fixture(scope="module")
def produced() -> dict[str, set[str]]:
    """Rule ID -> the applicabilities its findings' fixes have, over every fixture module."""
    found: dict[str, set[str]] = {}
    for directory in _fixture_modules():
        module = load(read_module(directory, directory)).module
        for finding in run_rules(module, EVERY_RULE_WITH_A_TAG_POLICY):
            if finding.fix is not None:
                found.setdefault(finding.rule_id, set()).add(finding.fix.applicability.value)
    return found


def test_each_rules_declared_fix_applicability_covers_every_fix_it_produces_on_the_fixtures(produced):
    undeclared = {
        rule_id: sorted(kinds - {a.value for a in rule_by_id()[rule_id].rule.fixes})
        for rule_id, kinds in produced.items()
    }
    assert {r: k for r, k in undeclared.items() if k} == {}


def test_rules_declared_with_several_fix_applicabilities_produce_each_of_them(produced):
    # A declaration wider than what the rule does would be as wrong as a narrower one.
    several = {
        u.rule.id: {a.value for a in u.rule.fixes} for u in rule_by_id().values() if len(u.rule.fixes) > 1
    }
    assert several, "no rule declares more than one applicability"
    assert {r: produced.get(r, set()) for r in several} == several


def test_tap213s_fixes_that_change_a_running_groups_engine_version_are_not_safe(produced):
    assert "safe" not in produced["TAP213"]
    assert rule_by_id()["TAP213"].rule.fixes[0].value == "unsafe"
