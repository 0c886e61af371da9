"""Typed errors: each says what went wrong (`kind`), which rule (`rule_id`) and where, and is returned
by the function that met it, once."""

from __future__ import annotations

from pathlib import Path

import pytest

import fixers.engine
from fixers.api import Config, ErrorKind, ModuleInput, fix, scan, scan_plan
from fixers.rules import RuleUnit, all_rules

BUCKET = b'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'


@pytest.fixture
def tap201_crashes(monkeypatch):
    def broken(module, options):
        raise ValueError("boom")

    unit = next(u for u in all_rules() if u.rule.id == "TAP201")
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (RuleUnit(unit.rule, broken, unit.source),))
    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)


def _where(errors) -> list[tuple]:
    return [(e.kind, e.rule_id, e.path, e.line, e.column) for e in errors]


def test_a_rule_crash_is_one_located_error_naming_the_rule(tap201_crashes):
    report = scan([ModuleInput(path="net", files={"net/main.tf": BUCKET})], Config())
    assert _where(report.errors) == [(ErrorKind.RULE_CRASH, "TAP201", "net", 1, 1)]
    assert report.errors[0].message == "internal error in rule TAP201: ValueError: boom"
    assert report.errors[0].kind.incomplete and not report.errors[0].kind.about_a_file


def test_fixing_reports_a_rule_crash_once(tap201_crashes):
    # Each pass and the final scan ran the rules on the same module, and each crash piled up on it.
    [outcome] = fix([ModuleInput(path=".", files={"main.tf": BUCKET})], Config())
    assert _where(outcome.errors_after) == [(ErrorKind.RULE_CRASH, "TAP201", ".", 1, 1)]


def test_file_problems_are_typed_and_located_at_their_line():
    files = {
        "broken.tf": b'resource "aws_s3_bucket" "a" {\n  bucket = \n',
        "labels.tf": b'\n\nresource "aws_s3_bucket" {\n}\n',
        "binary.tf": b"# ok\n\x00\n",
        "main.tf": BUCKET,
    }
    unreadable = {"linked.tf": "a symbolic link out of the repository"}
    report = scan([ModuleInput(path=".", files=files, unreadable=unreadable)], Config(select=["TAP201"]))
    assert sorted((e.path, e.kind, e.line, e.rule_id) for e in report.errors) == [
        ("binary.tf", ErrorKind.UNREADABLE, 2, None),
        ("broken.tf", ErrorKind.PARSE, 2, None),
        ("labels.tf", ErrorKind.PARSE, 3, None),
        ("linked.tf", ErrorKind.UNREADABLE, 1, None),
    ]
    assert not any(e.kind.incomplete for e in report.errors)  # each is a TAP000 finding instead


def test_a_json_file_that_is_not_a_plan_is_a_plan_error(tmp_path: Path):
    report = scan_plan("plan.json", b'{"format_version": "1.2"}', tmp_path, tmp_path, Config())
    assert _where(report.errors) == [(ErrorKind.PLAN, None, "plan.json", 1, 1)]
    assert report.errors[0].kind.incomplete
