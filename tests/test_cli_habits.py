"""The command line as people coming from checkov, trivy, tflint and ruff type it: `--fail-on never`,
`-f`/`-o`, rule names, suppressions that say what is wrong with them. Each test runs `tapfix` in its
own process, as a user or a CI job does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import tapfix

UNVERSIONED = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
ONLY = ["--select", "TAP201,TAP000"]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


# --- --fail-on never ---------------------------------------------------------------------------


def test_fail_on_never_reports_findings_and_exits_0(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED})
    result = tapfix("scan", ".", "--fail-on", "never", *ONLY, cwd=tmp_path)
    assert result.returncode == 0
    assert "main.tf:1:1: TAP201 [high]" in result.stdout


def test_fail_on_never_still_exits_2_on_errors(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED})
    assert tapfix("scan", "missing", "--fail-on", "never", cwd=tmp_path).returncode == 2
    write(tmp_path, {".tapfix.yml": "fail-on: never\nignore: [TAP999]\n"})
    assert tapfix("scan", ".", *ONLY, cwd=tmp_path).returncode == 2


def test_fail_on_never_still_exits_2_when_a_rule_crashes(tmp_path):
    # A rule that crashes makes the run incomplete: `never` must not turn that into a green build.
    write(tmp_path, {"main.tf": UNVERSIONED})
    probe = (
        "import sys, fixers.engine as e\n"
        "from fixers.rules import RuleUnit, all_rules\n"
        "u = next(u for u in all_rules() if u.rule.default and u.rule.id != 'TAP000')\n"
        "def boom(m, o): raise ValueError('boom')\n"
        "e.all_rules = lambda: (RuleUnit(u.rule, boom, u.source),)\n"
        "from bot.command_line import main\n"
        "sys.exit(main(['scan', '.', '--fail-on', 'never']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TAPFIX_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 2, result.stderr


# --- -f / -o -----------------------------------------------------------------------------------


def test_dash_f_chooses_the_format(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED})
    result = tapfix("scan", ".", "-f", "json", *ONLY, cwd=tmp_path)
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["TAP201"]


def test_dash_o_writes_the_report_to_a_file_as_in_trivy(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED})
    result = tapfix("scan", ".", "-f", "sarif", "-o", "tapfix.sarif", *ONLY, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert json.loads((tmp_path / "tapfix.sarif").read_text())["version"] == "2.1.0"


@pytest.mark.parametrize("name", ["sarif", "json", "markdown"])
def test_dash_o_with_a_format_name_is_an_error_that_says_what_to_type(tmp_path, name):
    write(tmp_path, {"main.tf": UNVERSIONED})
    result = tapfix("scan", ".", "-o", name, *ONLY, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"tapfix: error: -o {name} writes the report to a file named '{name}'")
    assert f"use -f {name}" in result.stderr and f"-o ./{name}" in result.stderr
    assert not (tmp_path / name).exists()


def test_dash_o_with_a_format_name_is_taken_as_a_file_when_the_format_is_given_or_the_path_says_so(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED})
    assert tapfix("scan", ".", "-o", "./sarif", *ONLY, cwd=tmp_path).returncode == 1
    assert (tmp_path / "sarif").read_text().startswith("main.tf:1:1: TAP201")
    assert tapfix("scan", ".", "-f", "json", "-o", "json", *ONLY, cwd=tmp_path).returncode == 1
    assert json.loads((tmp_path / "json").read_text())["tool"] == "tapfix"


# --- rule names --------------------------------------------------------------------------------


def test_rule_names_are_accepted_by_select_and_ignore(tmp_path):
    write(tmp_path, {"main.tf": UNVERSIONED})
    result = tapfix("scan", ".", "-f", "json", "--select", "s3-versioning-missing,TAP202", cwd=tmp_path)
    assert sorted(f["rule_id"] for f in json.loads(result.stdout)["findings"]) == ["TAP201", "TAP202"]
    result = tapfix(
        "scan",
        ".",
        "-f",
        "json",
        "--select",
        "TAP201,TAP202",
        "--ignore",
        "s3-versioning-missing",
        cwd=tmp_path,
    )
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["TAP202"]


def test_rules_explain_takes_a_rule_name(tmp_path):
    by_name = tapfix("rules", "--explain", "s3-versioning-missing", cwd=tmp_path)
    by_id = tapfix("rules", "--explain", "TAP201", cwd=tmp_path)
    assert by_name.returncode == 0
    assert by_name.stdout == by_id.stdout and "TAP201" in by_name.stdout


def test_a_suppression_may_name_the_rule(tmp_path):
    write(tmp_path, {"main.tf": "# tapfix:ignore s3-versioning-missing scratch data\n" + UNVERSIONED})
    result = tapfix("scan", ".", "-f", "json", *ONLY, cwd=tmp_path)
    assert [(f["rule_id"], f["suppressed"]) for f in json.loads(result.stdout)["findings"]] == [
        ("TAP201", True)
    ]
    assert result.returncode == 0


# --- suppressions ------------------------------------------------------------------------------


def test_a_typo_in_a_suppressed_rule_id_is_named(tmp_path):
    write(tmp_path, {"main.tf": "# tapfix:ignore TAP2O1 typo\n" + UNVERSIONED})
    result = tapfix("scan", ".", *ONLY, cwd=tmp_path)
    assert "main.tf:1:1: TAP000 [low] `TAP2O1` is not a rule" in result.stdout
    assert "TAP201 [high]" in result.stdout  # the finding it meant to silence stays
    assert result.returncode == 1


MODULE_LEVEL = {
    "providers.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n',
    "s3.tf": "# tapfix:ignore all scratch bucket, rebuilt nightly\n" + UNVERSIONED,
}


def test_ignore_all_on_a_block_does_not_silence_module_level_findings(tmp_path):
    write(tmp_path, MODULE_LEVEL)
    result = tapfix("scan", ".", "-f", "json", "--select", "TAP201,TAP502,TAP505", cwd=tmp_path)
    states = sorted((f["rule_id"], f["suppressed"]) for f in json.loads(result.stdout)["findings"])
    assert states == [("TAP201", True), ("TAP502", False), ("TAP505", False)]


def test_a_comment_naming_a_module_level_rule_silences_it_anywhere_in_the_module(tmp_path):
    write(
        tmp_path,
        {**MODULE_LEVEL, "notes.tf": "# tapfix:ignore TAP502, TAP505 pinned by the Terragrunt root\n"},
    )
    result = tapfix("scan", ".", "-f", "json", "--select", "TAP201,TAP502,TAP505", cwd=tmp_path)
    states = sorted((f["rule_id"], f["suppressed"]) for f in json.loads(result.stdout)["findings"])
    assert states == [("TAP201", True), ("TAP502", True), ("TAP505", True)]
    assert result.returncode == 0
