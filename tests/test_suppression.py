"""`# tapfix:ignore TAP201 reason` (or `//`) above a block or inside it silences that rule for that block,
and only when it says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.command_line import main

ONLY = ["--select", "TAP201,TAP000"]
REASON = "scratch data, rebuilt nightly"


def bucket(name: str, inside: str = "") -> str:
    return f'resource "aws_s3_bucket" "{name}" {{\n{inside}  bucket = "acme-{name}"\n}}\n'


def scan(tmp_path: Path, capsys, files: dict[str, str], *extra: str) -> tuple[int, list[dict]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    code = main(["scan", str(tmp_path), "--format", "json", *ONLY, *extra])
    return code, json.loads(capsys.readouterr().out)["findings"]


def states(findings: list[dict]) -> list[tuple]:
    return [(f["rule_id"], f["resource"], f["suppressed"], f["suppression_reason"]) for f in findings]


@pytest.mark.parametrize(
    "text",
    [
        f"# tapfix:ignore TAP201 {REASON}\n" + bucket("scratch"),
        f"// tapfix:ignore TAP201 {REASON}\n" + bucket("scratch"),
        f"# tapfix:ignore TAP201 {REASON}\n# Owned by the data team.\n" + bucket("scratch"),
        bucket("scratch", inside=f"  # tapfix:ignore TAP201 {REASON}\n"),
        bucket("scratch").replace("}\n", f"}} # tapfix:ignore TAP201 {REASON}\n"),
        f"#tapfix:ignore TAP201, TAP000 {REASON}\n" + bucket("scratch"),
        f"# tapfix:ignore all {REASON}\n" + bucket("scratch"),
    ],
    ids=["hash-above", "slashes-above", "in-a-comment-run", "inside", "on-closing-brace", "id-list", "all"],
)
def test_a_suppression_with_a_reason_silences_the_rule_for_its_block(tmp_path, capsys, text):
    code, findings = scan(tmp_path, capsys, {"main.tf": text})
    assert states(findings) == [("TAP201", "aws_s3_bucket.scratch", True, REASON)]
    assert code == 0  # suppressed findings never fail the run


def test_it_silences_only_its_own_block(tmp_path, capsys):
    text = f"# tapfix:ignore TAP201 {REASON}\n" + bucket("scratch") + "\n" + bucket("logs")
    code, findings = scan(tmp_path, capsys, {"main.tf": text})
    assert states(findings) == [
        ("TAP201", "aws_s3_bucket.scratch", True, REASON),
        ("TAP201", "aws_s3_bucket.logs", False, None),
    ]
    assert code == 1


def test_it_silences_only_the_rules_it_names(tmp_path, capsys):
    code, findings = scan(
        tmp_path, capsys, {"main.tf": f"# tapfix:ignore TAP202 {REASON}\n" + bucket("scratch")}
    )
    assert states(findings) == [("TAP201", "aws_s3_bucket.scratch", False, None)]
    assert code == 1


def test_a_blank_line_detaches_the_comment_from_the_block(tmp_path, capsys):
    _, findings = scan(
        tmp_path, capsys, {"main.tf": f"# tapfix:ignore TAP201 {REASON}\n\n" + bucket("scratch")}
    )
    assert states(findings) == [("TAP201", "aws_s3_bucket.scratch", False, None)]


def test_a_comment_in_another_file_on_the_same_lines_does_not_apply(tmp_path, capsys):
    _, findings = scan(
        tmp_path,
        capsys,
        {"a.tf": f"# tapfix:ignore TAP201 {REASON}\n" + "\n" * 3, "b.tf": "\n" + bucket("scratch")},
    )
    assert states(findings) == [("TAP201", "aws_s3_bucket.scratch", False, None)]


def test_a_finding_located_in_another_file_is_silenced_at_its_resource(tmp_path, capsys):
    # TAP201 points at the Suspended status in versioning.tf, but the finding is about the bucket
    versioning = (
        'resource "aws_s3_bucket_versioning" "scratch" {\n  bucket = aws_s3_bucket.scratch.id\n\n'
        '  versioning_configuration {\n    status = "Suspended"\n  }\n}\n'
    )
    _, findings = scan(
        tmp_path,
        capsys,
        {"main.tf": f"# tapfix:ignore TAP201 {REASON}\n" + bucket("scratch"), "versioning.tf": versioning},
    )
    assert [(f["path"], f["suppressed"]) for f in findings] == [("versioning.tf", True)]


def test_a_suppression_without_reason_does_not_apply_and_is_reported(tmp_path, capsys):
    code, findings = scan(tmp_path, capsys, {"main.tf": "# tapfix:ignore TAP201\n" + bucket("scratch")})
    assert [
        (f["rule_id"], f["name"], f["severity"], f["path"], f["line"], f["resource"]) for f in findings
    ] == [
        ("TAP000", "suppression-invalid", "low", "main.tf", 1, "aws_s3_bucket.scratch"),
        ("TAP201", "s3-versioning-missing", "high", "main.tf", 2, "aws_s3_bucket.scratch"),
    ]
    assert findings[0]["message"] == (
        "`tapfix:ignore TAP201` has no reason, so it does not apply: say why after the rule ID"
    )
    assert not any(f["suppressed"] for f in findings)
    assert code == 1


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        (
            "# tapfix:ignore because legacy",
            "`tapfix:ignore` names no rule, so it does not apply: write `# tapfix:ignore TAP201 <reason>`",
        ),
        (
            "# tapfix:ignore TAP2O1 legacy bucket",
            "`TAP2O1` is not a rule, so `tapfix:ignore TAP2O1` does not apply to it: name a rule by its ID "
            "(TAP201) or name (s3-versioning-missing); `tapfix rules` lists them",
        ),
        (
            "# tapfix:ignore TAP999 legacy bucket",
            "`TAP999` is not a rule, so `tapfix:ignore TAP999` does not apply to it: name a rule by its ID "
            "(TAP201) or name (s3-versioning-missing); `tapfix rules` lists them",
        ),
        (
            "# tapfix:ignore s3-versioning-mising, TAP202 legacy bucket",
            "`s3-versioning-mising` is not a rule, so `tapfix:ignore TAP202 s3-versioning-mising` does not "
            "apply to it: name a rule by its ID (TAP201) or name (s3-versioning-missing); `tapfix rules` lists them",
        ),
    ],
)
def test_a_suppression_naming_no_or_an_unknown_rule_is_reported_low(tmp_path, capsys, comment, message):
    code, findings = scan(tmp_path, capsys, {"main.tf": comment + "\n" + bucket("scratch")})
    problems = [f for f in findings if f["rule_id"] == "TAP000"]
    assert [(p["severity"], p["line"], p["column"], p["message"]) for p in problems] == [
        ("low", 1, 1, message)
    ]
    assert code == 1  # the TAP201 finding it meant to silence is still there


def test_the_invalid_suppression_report_is_located_at_the_comment(tmp_path, capsys):
    text = bucket("scratch").replace('"acme-scratch"\n', '"acme-scratch" // tapfix:ignore TAP201\n')
    _, findings = scan(tmp_path, capsys, {"main.tf": text})
    (problem,) = [f for f in findings if f["rule_id"] == "TAP000"]
    assert (problem["line"], problem["column"], problem["end_column"]) == (2, 27, 50)


def test_ignoring_tap000_turns_the_report_off(tmp_path, capsys):
    _, findings = scan(
        tmp_path, capsys, {"main.tf": "# tapfix:ignore TAP201\n" + bucket("scratch")}, "--ignore", "TAP000"
    )
    assert [f["rule_id"] for f in findings] == ["TAP201"]


def test_fix_leaves_suppressed_findings_alone(tmp_path, capsys):
    text = f"# tapfix:ignore TAP201 {REASON}\n" + bucket("scratch")
    (tmp_path / "main.tf").write_text(text)
    assert main(["fix", str(tmp_path), *ONLY]) == 0
    assert (tmp_path / "main.tf").read_text() == text
    assert capsys.readouterr().out == "Nothing to fix.\n"


@pytest.mark.parametrize(
    ("comment", "reason"),
    [
        (
            "#tfsec:ignore:aws-s3-encryption-customer-key tfsec:ignore:aws-s3-enable-versioning\n",
            "tfsec:ignore:aws-s3-enable-versioning (tfsec)",
        ),
        ("# trivy:ignore:aws-s3-enable-versioning\n", "trivy:ignore:aws-s3-enable-versioning (trivy)"),
        ("  # checkov:skip=CKV_AWS_21:logs are rewritten nightly\n", "checkov:skip=CKV_AWS_21 (checkov)"),
    ],
)
def test_another_scanners_suppression_of_the_same_check_is_the_authors_opt_out(
    tmp_path, capsys, comment, reason
):
    text = bucket("flow_logs", inside=comment) if comment.startswith("  ") else comment + bucket("flow_logs")
    _, findings = scan(tmp_path, capsys, {"main.tf": text})
    assert states(findings) == [("TAP201", "aws_s3_bucket.flow_logs", True, reason)]


def test_another_scanners_suppression_of_another_check_silences_nothing(tmp_path, capsys):
    text = "#tfsec:ignore:aws-s3-enable-logging checkov:skip=CKV_AWS_18\n" + bucket("flow_logs")
    _, findings = scan(tmp_path, capsys, {"main.tf": text})
    assert states(findings) == [("TAP201", "aws_s3_bucket.flow_logs", False, None)]
