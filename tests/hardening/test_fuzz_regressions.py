"""Crashes the fuzzing found (tests/hardening/hostile.py, benchmarks/soak_hcl.py) that are not about
limits, each named after what it was. The limits and their regressions are in test_limits.py."""

from __future__ import annotations

from fixers.config import Config
from fixers.engine import scan
from fixers.workspace import ModuleInput


def test_two_outputs_with_one_name_do_not_crash_the_readme_rule():
    # TAP505's README table sorted (name, Block) pairs: a duplicated output compared two Blocks.
    text = b'output "id" {\n  value = 1\n}\n\noutput "id" {\n  value = 2\n}\n'
    report = scan([ModuleInput(path=".", files={"outputs.tf": text})], Config(), jobs=1)
    assert report.errors == []
    (readme,) = [f for f in report.findings if f.rule_id == "TAP505"]
    assert readme.fix is not None and "| id |" in readme.fix.edits[0].new_text
