"""`tapfix scan` offers only verified fixes: a fix that does not parse, leaves its finding or brings a new
one is withheld with its reason, even when it is checked together with good fixes."""

from __future__ import annotations

import json

import pytest

import fixers.engine
from bot.command_line import main
from fixers.edits import edit, insert_after, set_attribute
from fixers.findings import Fix
from fixers.rules import rule_by_id
from tests.support.naming_rule import good_fix, naming_rule

TOPICS = (
    'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\n'
    'resource "aws_sns_topic" "alerts" {\n  display_name = "alerts"\n}\n\n'
    'resource "aws_sns_topic" "audit" {\n  display_name = "audit"\n}\n'
)


def _leaves_the_finding(topic):
    return Fix.safe("Only a comment", edit(topic.file, topic.body_start, topic.body_start, " # named later"))


def _adds_an_unversioned_bucket(topic):
    bucket = f'resource "aws_s3_bucket" "{topic.name}_archive" {{\n  bucket = "acme-{topic.name}-archive"\n}}'
    return Fix.safe(
        "Name it and archive it", set_attribute(topic, "name", f'"{topic.name}"'), insert_after(topic, bucket)
    )


def _does_not_parse(topic):
    return Fix.safe("Broken", edit(topic.file, topic.body_start, topic.body_start, "\n  name = {{{\n"))


def _scan(tmp_path, capsys, monkeypatch, make_fix):
    units = (rule_by_id()["TAP201"], naming_rule(make_fix))
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)
    (tmp_path / "main.tf").write_text(TOPICS)
    main(["scan", str(tmp_path), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return {f["resource"]: (f["fix"] is not None, f["fix_rejected"]) for f in findings}


@pytest.mark.parametrize(
    ("make_fix", "reason"),
    [
        (_leaves_the_finding, "the finding would remain after the edit"),
        (
            _adds_an_unversioned_bucket,
            "the edit would introduce TAP201 (aws_s3_bucket.audit_archive has no versioning: "
            "overwritten or deleted objects cannot be recovered)",
        ),
        (_does_not_parse, "the edited main.tf would not parse"),
    ],
    ids=["leaves-its-finding", "brings-a-new-finding", "does-not-parse"],
)
def test_a_bad_fix_is_withheld_with_its_reason_and_thegood_fix_ones_are_offered(
    tmp_path, capsys, monkeypatch, make_fix, reason
):
    offered = _scan(tmp_path, capsys, monkeypatch, make_fix)
    assert offered["aws_s3_bucket.logs"] == (True, None)
    assert offered["aws_sns_topic.alerts"] == (True, None)
    has_fix, rejected = offered["aws_sns_topic.audit"]
    assert not has_fix
    assert rejected.startswith(reason)


def testgood_fix_fixes_checked_together_are_all_offered(tmp_path, capsys, monkeypatch):
    offered = _scan(tmp_path, capsys, monkeypatch, good_fix)
    assert offered == {
        "aws_s3_bucket.logs": (True, None),
        "aws_sns_topic.alerts": (True, None),
        "aws_sns_topic.audit": (True, None),
    }
