"""Helpers for rule tests: fixture modules live in tests/rules/<RULE>/<case>/ as real files.

Every fixture directory is also picked up by tests/test_fixes_reference.py, which applies all
fixes and checks the result with HashiCorp's parser, `terraform validate` and `terraform fmt`.
"""

from __future__ import annotations

from pathlib import Path

from fixers.config import Config
from fixers.engine import fix_module, scan
from fixers.findings import Finding
from fixers.rules import all_rules
from fixers.workspace import read_module

RULES_DIR = Path(__file__).parent


def fixture_dir(case: str) -> Path:
    path = RULES_DIR / case
    assert path.is_dir(), f"no fixture directory {path}"
    return path


def load_fixture(case: str):
    directory = fixture_dir(case)
    return read_module(directory, directory)


def every_rule() -> Config:
    """A config that runs every rule, in the default set or not: rule tests test each rule."""
    return Config(select=[u.rule.id for u in all_rules()])


def scan_fixture(case: str, rule_id: str | None = None, config: Config | None = None) -> list[Finding]:
    """Findings (of `rule_id` only, when given) for the fixture module, paths relative to it, every
    rule selected unless `config` says otherwise."""
    report = scan([load_fixture(case)], config or every_rule(), jobs=1)
    assert report.errors == [], report.errors
    findings = report.findings
    if rule_id is not None:
        findings = [f for f in findings if f.rule_id == rule_id]
    return findings


def where(findings: list[Finding]) -> list[tuple[str, str, int, str | None]]:
    """The part of findings tests compare exactly: rule, path, line, resource."""
    return [(f.rule_id, f.path, f.line, f.resource) for f in findings]


def fixed_files(case: str, rule_id: str, unsafe: bool = True, config: Config | None = None) -> dict[str, str]:
    """The text of every file changed by applying `rule_id`'s fixes to the fixture."""
    outcome = fix_module(load_fixture(case), config or every_rule(), unsafe=unsafe, rule_ids={rule_id})
    return outcome.texts


def fix_diff(case: str, rule_id: str, unsafe: bool = True, config: Config | None = None) -> str:
    """A unified diff of the fix, for exact comparison in tests."""
    import difflib

    directory = fixture_dir(case)
    out = []
    for path, text in sorted(fixed_files(case, rule_id, unsafe, config).items()):
        original = directory / path
        before = original.read_text() if original.exists() else ""
        out.extend(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}",
                n=1,
            )
        )
    return "".join(out)


def with_block_after(path: str, header: str, text: str) -> str:
    """The fixture file `path` (e.g. "TAP306/plain/main.tf") with `text` inserted after the
    top-level block whose first line is `header`, a blank line between: what a fix that adds a
    resource right after the one it serves should produce."""
    original = (RULES_DIR / path).read_text()
    start = original.index(header + "\n")
    end = original.index("\n}", start) + 2
    return original[:end] + "\n\n" + text.rstrip("\n") + original[end:]
