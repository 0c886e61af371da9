"""`tapfix scan --write-baseline FILE` records today's findings; `--baseline FILE` reports only new ones.
Each test runs `tapfix` in its own process, as a hook or a CI job does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import tapfix

BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"\n}}\n'
ONLY = ["--select", "TAP201,TAP202"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "s3.tf").write_text(BUCKET.format(name="legacy"))
    return tmp_path


def test_write_baseline_records_todays_findings_and_the_run_passes(repo):
    result = tapfix("scan", ".", "--write-baseline", ".tapfix-baseline.json", *ONLY, cwd=repo)
    assert result.returncode == 0
    assert result.stdout == "No findings in 1 file.\n"
    assert "recorded 2 findings in .tapfix-baseline.json" in result.stderr
    recorded = json.loads((repo / ".tapfix-baseline.json").read_text())
    assert [(e["rule_id"], e["module"], e["resource"]) for e in recorded["findings"]] == [
        ("TAP201", "infra", "aws_s3_bucket.legacy"),
        ("TAP202", "infra", "aws_s3_bucket.legacy"),
    ]


def test_baseline_reports_only_findings_it_does_not_record(repo):
    tapfix("scan", ".", "--write-baseline", ".tapfix-baseline.json", *ONLY, cwd=repo)
    # the recorded findings move down the file: fingerprints do not depend on lines
    (repo / "infra" / "s3.tf").write_text(
        "\n\n# moved\n" + BUCKET.format(name="legacy") + BUCKET.format(name="new")
    )
    result = tapfix("scan", ".", "--baseline", ".tapfix-baseline.json", "-f", "json", *ONLY, cwd=repo)
    assert result.returncode == 1
    assert [(f["rule_id"], f["resource"]) for f in json.loads(result.stdout)["findings"]] == [
        ("TAP201", "aws_s3_bucket.new"),
        ("TAP202", "aws_s3_bucket.new"),
    ]
    assert "2 findings recorded in the baseline .tapfix-baseline.json are not reported" in result.stderr


def test_a_baseline_matches_whichever_folder_is_scanned_from_wherever(repo):
    tapfix("scan", ".", "--write-baseline", ".tapfix-baseline.json", *ONLY, cwd=repo)
    from_inside = tapfix("scan", ".", "--baseline", "../.tapfix-baseline.json", *ONLY, cwd=repo / "infra")
    assert (from_inside.returncode, from_inside.stdout) == (0, "No findings in 1 file.\n")
    a_file = tapfix("scan", "infra/s3.tf", "--baseline", ".tapfix-baseline.json", *ONLY, cwd=repo)
    assert a_file.returncode == 0


def test_a_fixed_finding_does_not_come_back_as_new(repo):
    tapfix("scan", ".", "--write-baseline", ".tapfix-baseline.json", *ONLY, cwd=repo)
    tapfix("fix", ".", "--select", "TAP201", cwd=repo)
    result = tapfix("scan", ".", "--baseline", ".tapfix-baseline.json", *ONLY, cwd=repo)
    assert (result.returncode, result.stdout) == (0, "No findings in 1 file.\n")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read it: No such file or directory"),
        ("{not json", "not a tapfix baseline (not JSON: "),
        ('{"findings": []}', "not a tapfix baseline (write one with `tapfix scan --write-baseline FILE`)"),
        (
            '{"tool": "tapfix", "findings": [{"rule_id": "TAP201"}]}',
            "not a tapfix baseline: an entry has no fingerprint",
        ),
    ],
)
def test_a_bad_baseline_is_a_usage_error_before_any_scan(repo, content, problem):
    if content is not None:
        (repo / "base.json").write_text(content)
    result = tapfix("scan", ".", "--baseline", "base.json", *ONLY, cwd=repo)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"tapfix: error: --baseline base.json: {problem}")


def test_baseline_and_write_baseline_do_not_go_together(repo):
    result = tapfix("scan", ".", "--baseline", "a.json", "--write-baseline", "b.json", cwd=repo)
    assert result.returncode == 2 and "not allowed with argument" in result.stderr
