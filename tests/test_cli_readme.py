"""The README documents what the CLI really does: its rule table is the registry's."""

from __future__ import annotations

import re
from pathlib import Path

from bot import readme_rules
from fixers.rules import all_rules

README = (Path(__file__).parents[1] / "README.md").read_text()
REGENERATE = "run `python -m bot.readme_rules` and commit README.md"


def _table_rows() -> dict[str, list[str]]:
    start, end = README.index(readme_rules.START), README.index(readme_rules.END)
    rows = {}
    for line in README[start:end].splitlines():
        match = re.match(r"\| \[(TAP\d{3})\]", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def test_the_rule_table_lists_every_registered_rule_with_severity_and_fix():
    rows = _table_rows()
    expected = {
        u.rule.id: (f"`{u.rule.name}`", u.rule.severity.value, u.rule.fix.value if u.rule.fix else "none")
        for u in all_rules()
    }
    assert {rule_id: tuple(cells[1:4]) for rule_id, cells in rows.items()} == expected, REGENERATE


def test_the_rule_table_is_what_the_generator_writes():
    assert readme_rules.updated(README) == README, REGENERATE
    assert readme_rules.main(["--check"]) == 0


def test_the_set_up_commands_are_the_documented_ones():
    assert "pip install . && tapfix scan examples/aws-stack" in README
    assert "pip install -e '.[test]' && npm ci --prefix tests/node && python -m pytest -q" in README


def test_sections_other_engineers_fill_in_exist():
    assert "\n## GitHub Action\n" in README
    assert "\n## /tapfix\n" in README
