"""`tapfix scan plan.json`: the rules on a plan's planned values (`terraform show -json`), located in the
code next to the plan. tests/fixtures/plan/plan.json was made by the real Terraform CLI and AWS provider
(make_plan.sh, offline with fake credentials); one slow test makes it again and compares."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import tapfix
from tests.support.hcl_reference import find_plugin_dir, find_terraform, missing_tools

FIXTURE = Path(__file__).parent / "fixtures" / "plan"
CODE_ONLY = {"TAP224", "TAP404", "TAP501", "TAP502", "TAP503", "TAP504", "TAP505", "TAP507"}


def findings(result: subprocess.CompletedProcess) -> list[tuple]:
    report = json.loads(result.stdout)
    return [(f["rule_id"], f["path"], f["line"], f["resource"], f["suppressed"]) for f in report["findings"]]


def test_a_plan_is_scanned_and_its_findings_point_at_the_code_next_to_it():
    # TAP101 is outside the default rule set: asked for, it reads the plan's values like the others.
    result = tapfix("scan", "plan.json", "-f", "json", "--extend-select", "TAP101", cwd=FIXTURE)
    assert result.returncode == 1, result.stderr
    assert sorted(findings(result)) == [
        ("TAP101", "main.tf", 61, "aws_vpc_security_group_egress_rule.app_all", False),
        # only the plan knows this: production.tfvars, passed with -var-file, opens SSH to the world
        ("TAP103", "main.tf", 55, "aws_vpc_security_group_ingress_rule.app_ssh", False),
        ("TAP201", "modules/logs/main.tf", 5, 'module.logs["app"].aws_s3_bucket.this', False),
        ("TAP201", "modules/logs/main.tf", 5, 'module.logs["audit"].aws_s3_bucket.this', False),
        # the code's `tapfix:ignore TAP202` on the bucket covers its planned instance
        ("TAP202", "main.tf", 65, "aws_s3_bucket.assets", True),
        ("TAP211", "main.tf", 81, "aws_elasticache_replication_group.sessions", False),
        ("TAP306", "main.tf", 41, "aws_vpc.main", False),
    ]
    report = json.loads(result.stdout)
    assert all(f["fix"] is None for f in report["findings"])  # a plan gets no fixes
    (ssh,) = [f for f in report["findings"] if f["rule_id"] == "TAP103"]
    assert "admits 0.0.0.0/0 to SSH 22" in ssh["message"]
    versioning = [f["message"] for f in report["findings"] if f["rule_id"] == "TAP201"]
    assert versioning[0].startswith('module.logs["app"].aws_s3_bucket.this has no versioning')


def test_the_plan_reports_the_same_rules_as_the_code_where_the_values_agree():
    # The code alone (defaults, no -var-file) and its plan agree on every rule that reads values,
    # except TAP103, whose value only the plan has; rules about how code is written do not run on plans.
    code = {(r, p, n, res) for r, p, n, res, _ in findings(tapfix("scan", ".", "-f", "json", cwd=FIXTURE))}
    plan = {
        (r, p, n, res) for r, p, n, res, _ in findings(tapfix("scan", "plan.json", "-f", "json", cwd=FIXTURE))
    }
    code_values = {f for f in code if f[0] not in CODE_ONLY}
    plan_in_code_terms = {
        (r, p, n, "aws_s3_bucket.this" if res.startswith("module.logs") else res) for r, p, n, res in plan
    }
    assert plan_in_code_terms - code_values == {
        ("TAP103", "main.tf", 55, "aws_vpc_security_group_ingress_rule.app_ssh")
    }
    assert code_values - plan_in_code_terms == set()
    assert {f[0] for f in code} & CODE_ONLY  # the code does have findings the plan leaves out


def test_a_plan_without_its_code_points_at_the_plan_with_the_instance_address(tmp_path):
    shutil.copy(FIXTURE / "plan.json", tmp_path / "plan.json")
    result = tapfix("scan", "plan.json", "-f", "json", cwd=tmp_path)
    located = {(path, line) for _, path, line, _, _ in findings(result)}
    assert located == {("plan.json", 1)}
    resources = {resource for _, _, _, resource, _ in findings(result)}
    assert 'module.logs["audit"].aws_s3_bucket.this' in resources
    text = tapfix("scan", "plan.json", cwd=tmp_path).stdout
    assert text.startswith("plan.json:1:1: ")


def test_fix_refuses_a_plan(tmp_path):
    result = tapfix("fix", "plan.json", cwd=FIXTURE)
    assert result.returncode == 2
    assert result.stderr == (
        "tapfix: error: plan.json: a plan gets no fixes (a fix edits code): run `tapfix fix` on the configuration\n"
    )


def test_json_that_is_not_a_plan_is_an_error(tmp_path):
    (tmp_path / "state.json").write_text('{"format_version": "1.0", "values": {"root_module": {}}}\n')
    (tmp_path / "broken.json").write_text('{"format_version": "1.2", "planned_values": ')
    assert tapfix("scan", "state.json", cwd=tmp_path).returncode == 2
    result = tapfix("scan", "broken.json", "-f", "json", cwd=tmp_path)
    assert result.returncode == 2  # unreadable input: the run is incomplete
    assert json.loads(result.stdout)["errors"][0]["message"].startswith("not JSON: ")


@pytest.mark.slow
def test_the_committed_plan_is_what_terraform_makes_today(tmp_path):
    if find_terraform() is None or find_plugin_dir() is None:
        pytest.fail("; ".join(missing_tools()))
    copy = tmp_path / "plan"
    shutil.copytree(FIXTURE, copy)
    (copy / "plan.json").unlink()
    env = {
        **os.environ,
        "TAPFIX_TF_PLUGIN_DIR": str(find_plugin_dir()),
        "PATH": f"{find_terraform().parent}:{os.environ['PATH']}",
    }
    subprocess.run(["sh", str(copy / "make_plan.sh")], check=True, env=env, timeout=600, capture_output=True)
    fresh = json.loads((copy / "plan.json").read_text())
    committed = json.loads((FIXTURE / "plan.json").read_text())
    assert fresh["planned_values"] == committed["planned_values"]
    assert fresh["configuration"] == committed["configuration"]
    assert findings(tapfix("scan", "plan.json", "-f", "json", cwd=copy)) == findings(
        tapfix("scan", "plan.json", "-f", "json", cwd=FIXTURE)
    )
