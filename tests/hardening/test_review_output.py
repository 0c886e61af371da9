"""A pull request's content cannot crash the review: whatever its names, labels and sizes, the
review posts what it can and always writes the job summary and the SARIF file. (Each case below
ended in exit 2, "internal error: ValidationError", with no comment, an empty job summary and no
SARIF, when the review's own output was held to the limits meant for an untrusted artifact.)"""

from __future__ import annotations

import json

import pytest

import bot.github.review
from fixers.engine import ScanReport
from fixers.findings import Finding, Severity
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree

MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
CONFIG = "select: [TAP000, TAP201]\n"


def _bucket(label: str) -> str:
    return f'resource "aws_s3_bucket" "{label}" {{\n  bucket = "acme-logs"\n}}\n'


def _review(github, tmp_path, capsys, head: dict[str, str], base: dict[str, str] | None = None, **inputs):
    fake = github.fake
    fake.files = changed_entries(base or {}, head)
    workspace = write_tree(tmp_path / "ws", {**head, ".tapfix.yml": CONFIG})
    run = run_action(
        tmp_path, capsys, fake, workspace, pull_request_event(fake), sarif_file="tapfix.sarif", **inputs
    )
    sarif = workspace / "tapfix.sarif"
    return fake, run, json.loads(sarif.read_text()) if sarif.exists() else None


def _sarif_rules(sarif: dict) -> list[str]:
    return [r["ruleId"] for r in sarif["runs"][0]["results"]]


def test_a_control_character_in_a_resource_label_is_reviewed_and_shown_escaped(github, tmp_path, capsys):
    fake, run, sarif = _review(github, tmp_path, capsys, {"infra/s3.tf": _bucket("logs\x1b[2J\x07")})

    assert run.exit_code == 1, run.stderr
    [comment] = fake.review_comments
    assert "aws_s3_bucket.logs\\x1b\\[2J\\x07 has no versioning" in comment["body"]
    assert "\x1b" not in json.dumps([c.body for c in fake.calls if c.body], ensure_ascii=False)
    assert "TAP201" in run.job_summary and _sarif_rules(sarif) == ["TAP201"]


@pytest.mark.parametrize(
    "path",
    [
        "infra/x\n::warning title=INJ::injected\n.tf",
        "infra/back\\slash.tf",
        "infra/" + "/".join(["d" * 200] * 6) + "/main.tf",
    ],
    ids=["newline", "backslash", "over-1024-characters"],
)
def test_a_changed_path_with_a_newline_backslash_or_over_1024_characters_is_reviewed(
    github, tmp_path, capsys, path
):
    fake, run, sarif = _review(github, tmp_path, capsys, {path: _bucket("logs")})

    assert run.exit_code == 1, run.stderr
    assert "1 new finding" in run.job_summary and _sarif_rules(sarif) == ["TAP201"]
    # Posted inline, or, if GitHub refuses the path, in the summary comment: never lost.
    assert len(fake.review_comments) == 1 or "TAP201" in fake.issue_comments[0]["body"]
    assert "\n::warning" not in run.job_summary and "\n::warning" not in fake.issue_comments[0]["body"]


def test_more_than_500_unreadable_files_are_all_reported(github, tmp_path, capsys):
    fake = github.fake
    head = {f"infra/f{i:03}.tf": _bucket(f"b{i}") for i in range(520)}
    fake.files = changed_entries({}, head)
    # Not in the workspace and not in the head commit: GitHub will not give them.
    workspace = write_tree(tmp_path / "ws", {".tapfix.yml": CONFIG})

    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake), sarif_file="tapfix.sarif")

    assert run.exit_code == 1, run.stderr
    sarif = json.loads((workspace / "tapfix.sarif").read_text())
    notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(notifications) == 520
    assert "infra/f519.tf" in run.job_summary or "more" in run.job_summary
    assert run.outputs["findings"] == "520"  # each one a TAP000


def test_more_than_5000_findings_with_report_all_are_summarised_not_refused(
    github, tmp_path, capsys, monkeypatch
):
    count = 5_200
    head = {"infra/main.tf": MAIN + "# changed\n"}
    findings = [
        Finding(
            rule_id="TAP201",
            name="s3-versioning-missing",
            severity=Severity.HIGH,
            path="infra/main.tf",
            line=1,
            end_line=1,
            resource=f"aws_s3_bucket.b{i}",
            message=f"aws_s3_bucket.b{i} has no versioning",
            module="infra",
        )
        for i in range(count)
    ]
    real_scan = bot.github.review.scan

    def scan(modules, config, **kwargs):  # a repository with 5,200 buckets, without scanning them
        report = real_scan(modules, config, **kwargs)
        return ScanReport(findings=findings, errors=report.errors, files=report.files, modules=report.modules)

    monkeypatch.setattr(bot.github.review, "scan", scan)

    fake, run, sarif = _review(github, tmp_path, capsys, head, {"infra/main.tf": MAIN}, report="all")

    assert run.exit_code == 1, run.stderr
    assert run.outputs["findings"] == str(count) and len(_sarif_rules(sarif)) == count
    assert len(fake.issue_comments[0]["body"]) <= 65_536
    assert "more (see the job summary and the SARIF file)" in fake.issue_comments[0]["body"]


def test_when_posting_fails_for_any_reason_the_job_summary_and_sarif_are_still_written(
    github, tmp_path, capsys, monkeypatch
):
    import bot.action_main

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in posting")

    monkeypatch.setattr(bot.action_main, "publish", broken)

    _, run, sarif = _review(github, tmp_path, capsys, {"infra/s3.tf": _bucket("logs")})

    assert run.exit_code == 2
    assert run.stderr.startswith("::error title=tapfix::internal error: RuntimeError")
    assert "Posting the review failed (internal error: RuntimeError)" in run.job_summary
    assert "aws_s3_bucket.logs has no versioning" in run.job_summary
    assert _sarif_rules(sarif) == ["TAP201"]
