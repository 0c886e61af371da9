"""How `fix_module` orders its passes."""

from __future__ import annotations

from fixers.config import Config
from fixers.engine import fix_module
from fixers.workspace import ModuleInput

DATABASE = b"""variable "name" {
  description = "Database identifier."
  type        = string
}

resource "aws_db_instance" "main" {
  identifier          = var.name
  deletion_protection = true
}
"""


def test_the_generated_readme_lists_the_variables_other_fixes_add_in_the_same_run():
    # TAP404's fix turns the literal into a new variable; TAP505's README, written in the same
    # run, must document it, or the README is stale the moment it is created.
    outcome = fix_module(
        ModuleInput(path=".", files={"main.tf": DATABASE}), Config(select=["TAP404", "TAP505"])
    )
    assert {f.rule_id for f in outcome.applied} == {"TAP404", "TAP505"}
    assert 'variable "deletion_protection"' in outcome.texts["main.tf"]
    readme = outcome.texts["README.md"]
    assert "| deletion_protection |" in readme
    assert "| name |" in readme
    assert not [f for f in outcome.findings_after if f.rule_id in {"TAP404", "TAP505"}]
