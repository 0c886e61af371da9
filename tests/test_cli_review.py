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


def _catalog(cwd: Path) -> dict[str, str]:
    result = tapfix("rules", "--format", "json", cwd=cwd)
    assert result.returncode == 0
    return {row["id"]: row["fix"] for row in json.loads(result.stdout)}


def test_rules_lists_every_kind_of_fix_a_rule_offers(tmp_path):
    fixes = _catalog(tmp_path)
    assert fixes["TAP213"] == "unsafe/display-only"
    assert fixes["TAP224"] == "safe/unsafe"
    assert fixes["TAP301"] == "safe/unsafe/display-only"
    assert fixes["TAP506"] == "safe/unsafe"
    assert fixes["TAP201"] == "safe"
    table = tapfix("rules", cwd=tmp_path).stdout
    assert any(
        line.split()[:1] == ["TAP213"] and line.endswith("unsafe/display-only") for line in table.splitlines()
    )


def test_sarif_rule_help_lists_every_kind_of_fix(tmp_path):
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
    assert "Fix: unsafe/display-only." in rules["TAP213"]["help"]["text"]


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
