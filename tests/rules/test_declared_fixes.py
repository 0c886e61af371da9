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
from tests.rules.harness import RULES_DIR, every_rule, scan_fixture, where

EXAMPLE_STACK = Path(__file__).parents[2] / "examples" / "aws-stack"

# Every rule, and a tag policy: TAP506's fixes that ask for new variables come with a policy.
EVERY_RULE_WITH_A_TAG_POLICY = every_rule().with_overrides(
    required_tags=["Environment", "Owner", "Project", "CostCenter"]
)

# A module with a file that does not parse (no fixture holds one): TAP000 reports it, and TAP505
# offers no README, whose tables would miss that file.
UNPARSABLE = {
    "main.tf": 'variable "region" {\n  type = string\n}\n',
    "broken.tf": 'resource "aws_s3_bucket" "b" {\n',
}

# The case of each rule declared to fix `sometimes` where it proposes no fix, as a fixture:
# (rule, fixture, line, resource).
WITHOUT_A_FIX = [
    ("TAP102", "udp_listener_no_fix", 43, "aws_lb_listener.dns_udp"),  # tapfix writes TCP rules only
    ("TAP203", "transition_after_expiry_no_fix", 19, "aws_s3_bucket_lifecycle_configuration.scratch"),
    ("TAP211", "for_each_heredoc_no_fix", 14, "aws_elasticache_replication_group.queue"),
    ("TAP221", "for_each_heredoc_no_fix", 20, "aws_db_instance.orders"),
    ("TAP304", "for_each_heredoc_no_fix", 3, "aws_guardduty_detector.this"),
    ("TAP305", "for_each_heredoc_no_fix", 3, "aws_wafv2_web_acl.api"),
    ("TAP401", "for_each_heredoc_no_fix", 19, "aws_autoscaling_group.workers"),
    ("TAP402", "for_each_heredoc_no_fix", 19, "aws_autoscaling_group.workers"),
    ("TAP507", "strip_marker_before_directive_no_fix", 14, "aws_launch_template.workers"),
]


@dataclass
class Produced:
    """What one rule's findings carried over every module, as the rule produced them."""

    kinds: set[str] = field(default_factory=set)
    with_fix: int = 0
    without_fix: int = 0


def _modules() -> list[Path]:
    return [*sorted({path.parent for path in RULES_DIR.rglob("*.tf")}), EXAMPLE_STACK]


@pytest.fixture(scope="module")
def produced(tmp_path_factory) -> dict[str, Produced]:
    unparsable = tmp_path_factory.mktemp("unparsable")
    for name, text in UNPARSABLE.items():
        (unparsable / name).write_text(text)
    found: dict[str, Produced] = defaultdict(Produced)
    for directory in [*_modules(), unparsable]:
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


def test_rules_declared_without_fixes_produce_none(produced):
    never = _declared(FixAvailability.NONE)
    assert never == {"TAP000"}
    assert produced["TAP000"].without_fix == 2  # the unparsable module's file, under both configurations
    assert {r: produced[r].with_fix for r in never} == dict.fromkeys(never, 0)


def test_rules_declared_to_fix_sometimes_show_a_finding_without_one(produced):
    # A rule that always proposes a fix must say so: ALWAYS is what the engine then enforces.
    sometimes = _declared(FixAvailability.SOMETIMES)
    assert {r for r in sometimes if produced[r].without_fix == 0} == set()


@pytest.mark.parametrize(
    ("rule_id", "case", "line", "resource"), WITHOUT_A_FIX, ids=[c[0] for c in WITHOUT_A_FIX]
)
def test_a_case_a_rule_proposes_no_fix_for_is_reported_without_one(rule_id, case, line, resource):
    findings = scan_fixture(f"{rule_id}/{case}", rule_id)
    assert where(findings) == [(rule_id, "main.tf", line, resource)]
    # no fix proposed, rather than one proposed and then withheld by verification
    assert (findings[0].fix, findings[0].fix_rejected) == (None, None)


def test_a_module_with_a_file_that_does_not_parse_gets_no_readme(tmp_path):
    for name, text in UNPARSABLE.items():
        (tmp_path / name).write_text(text)
    module = load(read_module(tmp_path, tmp_path)).module
    (finding,) = rule_by_id()["TAP505"].check(module, every_rule().rule_options)
    assert (finding.resource, finding.fix) == ("README.md", None)


def test_tap213s_fixes_that_change_a_running_groups_engine_version_are_not_safe(produced):
    assert "safe" not in produced["TAP213"].kinds
    assert rule_by_id()["TAP213"].rule.fixes[0].value == "unsafe"
