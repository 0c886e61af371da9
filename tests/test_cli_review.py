"""What a new user's review of the command line found: a config key written with an underscore, and
a catalog that must say when a rule's fixes are not all safe. Each test runs `tapfix` in its own
process, as a user or a CI job does."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import tapfix

UNVERSIONED = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


# --- config keys ---------------------------------------------------------------------------------


def test_fail_on_with_an_underscore_is_an_unknown_key_that_names_fail_on(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED, ".tapfix.yml": "fail_on: never\n"})
    result = tapfix("scan", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key 'fail_on': did you mean 'fail-on'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_other_underscored_keys_are_refused_too(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED, ".tapfix.yml": "per_path_ignore: {examples: [TAP506]}\n"})
    result = tapfix("scan", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert "did you mean 'per-path-ignore'?" in result.stderr


def test_a_misspelt_key_is_named_with_the_key_it_likely_means(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED, ".tapfix.yml": "exclud: [legacy]\n"})
    result = tapfix("scan", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key 'exclud': did you mean 'exclude'?" in result.stderr


def test_fail_on_with_a_hyphen_still_works(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED, ".tapfix.yml": "fail-on: never\n"})
    result = tapfix("scan", ".", cwd=tmp_path)
    assert result.returncode == 0 and "TAP201" in result.stdout


# --- what the catalog says a rule's fix is ----------------------------------------------------------


def _catalog(cwd: Path, key: str = "fix") -> dict[str, str]:
    result = tapfix("rules", "--format", "json", cwd=cwd)
    assert result.returncode == 0
    return {row["id"]: row[key] for row in json.loads(result.stdout)}


def test_rules_lists_every_kind_of_fix_a_rule_offers(tmp_path):
    fixes = _catalog(tmp_path)
    assert fixes["TAP213"] == "unsafe/display-only"
    assert fixes["TAP224"] == "safe/unsafe"
    assert fixes["TAP301"] == "safe/unsafe/display-only"
    assert fixes["TAP506"] == "safe/unsafe"
    assert fixes["TAP201"] == "safe/unsafe"  # unsafe: turning on versioning that a flag keeps off
    assert fixes["TAP504"] == "safe"
    table = tapfix("rules", cwd=tmp_path).stdout
    assert any(
        line.split()[:1] == ["TAP213"] and "unsafe/display-only" in line.split()
        for line in table.splitlines()
    )


def test_rules_says_whether_a_rule_fixes_every_finding_some_or_none(tmp_path):
    available = _catalog(tmp_path, "fix_availability")
    assert available["TAP000"] == "none"
    assert available["TAP504"] == "always"  # every output without a description gets one
    assert available["TAP201"] == "sometimes"  # a bucket whose versioning a map keeps off gets none


def test_sarif_rule_metadata_lists_every_kind_of_fix_and_its_availability(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_elasticache_parameter_group" "p" {\n  name   = "p"\n  family = "redis7"\n}\n\n'
            'resource "aws_elasticache_replication_group" "g" {\n  replication_group_id = "g"\n'
            '  description          = "g"\n  engine               = "redis"\n  node_type            = "cache.t4g.small"\n'
            "  parameter_group_name = aws_elasticache_parameter_group.p.name\n}\n"
        },
    )
    result = tapfix("scan", ".", "--select", "TAP213", "-f", "sarif", cwd=tmp_path)
    sarif = json.loads(result.stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "Fix: unsafe/display-only, on some findings." in rules["TAP213"]["help"]["text"]
    assert rules["TAP213"]["properties"]["fixAvailability"] == "sometimes"
    assert rules["TAP213"]["properties"]["fixApplicabilities"] == ["unsafe", "display-only"]


def test_pinning_an_unpinned_elasticache_group_is_unsafe_and_not_applied_by_a_plain_fix(tmp_path):
    text = (
        'resource "aws_elasticache_parameter_group" "p" {\n  name   = "p"\n  family = "redis7"\n}\n\n'
        'resource "aws_elasticache_replication_group" "g" {\n  replication_group_id = "g"\n'
        '  description          = "g"\n  engine               = "redis"\n  node_type            = "cache.t4g.small"\n'
        "  parameter_group_name = aws_elasticache_parameter_group.p.name\n}\n"
    )
    write(tmp_path, {"main.tf": text})
    scanned = json.loads(tapfix("scan", ".", "--select", "TAP213", "-f", "json", cwd=tmp_path).stdout)
    assert [f["fix"]["applicability"] for f in scanned["findings"]] == ["unsafe"]
    tapfix("fix", ".", "--select", "TAP213", cwd=tmp_path)
    assert (tmp_path / "main.tf").read_text() == text
    tapfix("fix", ".", "--select", "TAP213", "--unsafe-fixes", cwd=tmp_path)
    assert 'engine_version       = "7.1"' in (tmp_path / "main.tf").read_text()


# --- TAP000's two names ------------------------------------------------------------------------------

BAD_SUPPRESSION = (
    '# tapfix:ignore TAP2O1 typo\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
)
UNPARSABLE = 'resource "aws_s3_bucket" "broken" {\n'


def _tap000(result) -> list[tuple[str, str, str]]:
    findings = json.loads(result.stdout)["findings"]
    return sorted((f["path"], f["name"], f["severity"]) for f in findings if f["rule_id"] == "TAP000")


def test_rules_lists_both_names_of_tap000_with_their_severities(tmp_path):
    lines = [line.split() for line in tapfix("rules", cwd=tmp_path).stdout.splitlines()]
    assert [line[:3] for line in lines if line[:1] == ["TAP000"]] == [
        ["TAP000", "parse-error", "high"],
        ["TAP000", "suppression-invalid", "low"],
    ]


def test_rules_json_has_one_object_for_tap000_naming_suppression_invalid_under_also(tmp_path):
    rows = json.loads(tapfix("rules", "--format", "json", cwd=tmp_path).stdout)
    tap000 = [r for r in rows if r["id"] == "TAP000"]
    assert [(r["name"], r["severity"], r["also"]) for r in tap000] == [
        ("parse-error", "high", [{"name": "suppression-invalid", "severity": "low"}])
    ]


def test_explain_suppression_invalid_prints_tap000s_page_naming_it(tmp_path):
    result = tapfix("rules", "--explain", "suppression-invalid", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("# TAP000 ")
    assert "`suppression-invalid`" in result.stdout


def test_ignore_suppression_invalid_hides_bad_suppressions_and_keeps_parse_errors(tmp_path):
    write(tmp_path, {"main.tf": BAD_SUPPRESSION, "broken.tf": UNPARSABLE})
    every = tapfix("scan", ".", "-f", "json", "--select", "TAP000", cwd=tmp_path)
    assert _tap000(every) == [("broken.tf", "parse-error", "high"), ("main.tf", "suppression-invalid", "low")]
    result = tapfix(
        "scan", ".", "-f", "json", "--select", "TAP000", "--ignore", "suppression-invalid", cwd=tmp_path
    )
    assert _tap000(result) == [("broken.tf", "parse-error", "high")]
    assert result.returncode == 1


def test_select_suppression_invalid_reports_only_bad_suppressions(tmp_path):
    write(tmp_path, {"main.tf": BAD_SUPPRESSION, "broken.tf": UNPARSABLE})
    result = tapfix("scan", ".", "-f", "json", "--select", "suppression-invalid", cwd=tmp_path)
    assert _tap000(result) == [("main.tf", "suppression-invalid", "low")]
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"TAP000"}


def test_ignore_tap000_still_hides_both_kinds(tmp_path):
    write(tmp_path, {"main.tf": BAD_SUPPRESSION, "broken.tf": UNPARSABLE})
    result = tapfix(
        "scan", ".", "-f", "json", "--select", "TAP000,TAP201", "--ignore", "TAP000", cwd=tmp_path
    )
    assert _tap000(result) == []


def test_config_names_suppression_invalid_in_ignore_severity_and_per_path_ignore(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": BAD_SUPPRESSION,
            "broken.tf": UNPARSABLE,
            "legacy/main.tf": BAD_SUPPRESSION,
            ".tapfix.yml": "select: [TAP000]\nseverity: {suppression-invalid: medium}\n"
            "per-path-ignore: {legacy: [suppression-invalid]}\n",
        },
    )
    result = tapfix("scan", ".", "-f", "json", cwd=tmp_path)
    assert _tap000(result) == [
        ("broken.tf", "parse-error", "high"),
        ("main.tf", "suppression-invalid", "medium"),
    ]
    (tmp_path / ".tapfix.yml").write_text("ignore: suppression-invalid\n")
    result = tapfix("scan", ".", "-f", "json", "--select", "TAP000", cwd=tmp_path)
    assert _tap000(result) == [("broken.tf", "parse-error", "high")]


# --- path patterns -------------------------------------------------------------------------------------


def test_per_path_ignore_with_a_leading_dot_slash_applies(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED, "examples/demo/main.tf": UNVERSIONED})
    for pattern in ("./examples", "./examples/", "examples/", "examples/**"):
        (tmp_path / ".tapfix.yml").write_text(f'per-path-ignore:\n  "{pattern}": [TAP201]\n')
        result = tapfix("scan", ".", "-f", "json", "--select", "TAP201", cwd=tmp_path)
        assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["main.tf"], pattern
        assert result.stderr == "", pattern


def test_exclude_with_a_leading_dot_slash_applies(tmp_path):
    write(
        tmp_path,
        {"main.tf": UNVERSIONED, "legacy/main.tf": UNVERSIONED, ".tapfix.yml": "exclude: ./legacy/\n"},
    )
    result = tapfix("scan", ".", "-f", "json", "--select", "TAP201", cwd=tmp_path)
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["main.tf"]
    assert result.stderr == ""


def test_patterns_that_match_no_scanned_path_are_named_on_stderr(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": UNVERSIONED,
            "examples/demo/main.tf": UNVERSIONED,
            ".tapfix.yml": "exclude: [legacy, examples/demo]\nper-path-ignore:\n  exmples: [TAP201]\n  '*.tf': [TAP506]\n",
        },
    )
    result = tapfix("scan", ".", "--select", "TAP201", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "tapfix: warning: per-path-ignore pattern 'exmples' matches no scanned path",
        "tapfix: warning: exclude pattern 'legacy' matches no scanned path",
    ]
    assert result.returncode == 1 and "main.tf:1:1: TAP201" in result.stdout
    assert "examples/demo" not in result.stdout


def test_patterns_of_a_config_above_the_scanned_folder_warn_only_for_that_folder(tmp_path):
    write(
        tmp_path,
        {
            "infra/main.tf": UNVERSIONED,
            "other/main.tf": UNVERSIONED,
            ".tapfix.yml": "per-path-ignore:\n  other: [TAP201]\n  infra/nothing: [TAP201]\n",
        },
    )
    result = tapfix("scan", "infra", "--select", "TAP201", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "tapfix: warning: per-path-ignore pattern 'infra/nothing' matches no scanned path"
    ]
