"""Code scanning of a branch: on `push`, `schedule` and `workflow_dispatch` the action scans the
checked-out repository (or its `working-directory`) whole and writes the SARIF file, the job summary
and the outputs, without a single API request; the `select`, `ignore` and `working-directory` inputs
also shape the pull-request review and `/tapfix`. Event payloads are GitHub's examples (tests/github/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.github.conftest import run_action
from tests.github.pr import WEBHOOKS, changed_entries, pull_request_event, write_tree

ACTIONS = Path(__file__).parent / "fixtures" / "actions"
SCAN_EVENTS = {
    "push of a branch": ("push", WEBHOOKS / "push.branch.json"),
    "push of a tag": ("push", WEBHOOKS / "push.json"),
    "schedule (cron line only)": ("schedule", ACTIONS / "schedule.json"),
    "schedule (with repository)": ("schedule", ACTIONS / "schedule.with-repository.json"),
    "workflow_dispatch": ("workflow_dispatch", WEBHOOKS / "workflow_dispatch.json"),
}

BUCKET = """resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
"""
OUTPUT_NO_DESCRIPTION = """output "bucket" {
  value = aws_s3_bucket.logs.id
}
"""


def _repository(root: Path) -> Path:
    return write_tree(
        root,
        {
            "infra/s3.tf": BUCKET,
            "infra/outputs.tf": OUTPUT_NO_DESCRIPTION,
            "legacy/s3.tf": BUCKET.replace("logs", "old"),
            "README.md": "# not terraform\n",
        },
    )


def _event(name: str) -> tuple[str, dict]:
    event_name, path = SCAN_EVENTS[name]
    return event_name, json.loads(path.read_text())


def _sarif_results(path: Path) -> list[tuple[str, str]]:
    log = json.loads(path.read_text())
    return sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in log["runs"][0]["results"]
    )


@pytest.mark.parametrize("name", SCAN_EVENTS)
def test_scan_events_scan_the_whole_checkout_into_sarif_summary_and_outputs(tmp_path, capsys, github, name):
    event_name, event = _event(name)
    workspace = _repository(tmp_path / "repo")
    run = run_action(tmp_path, capsys, github.fake, workspace, event, event_name, sarif_file="tapfix.sarif")

    assert run.exit_code == 1, run.stderr  # TAP201/TAP202 are high: the default fail-on
    results = _sarif_results(workspace / "tapfix.sarif")
    # every module of the repository, paths relative to its root (what code scanning resolves)
    assert ("TAP201", "infra/s3.tf") in results and ("TAP201", "legacy/s3.tf") in results
    assert ("TAP502", "infra/outputs.tf") in results
    assert run.outputs["sarif-file"] == "tapfix.sarif"
    assert int(run.outputs["findings"]) == len(results)
    assert run.outputs["high"] == str(sum(1 for rule, _ in results if rule in ("TAP201", "TAP202")))
    assert run.outputs["new-findings"] == ""  # there is no base to compare with
    assert "`infra/s3.tf:1`" in run.job_summary and "`legacy/s3.tf:1`" in run.job_summary
    assert "2 modules" in run.job_summary
    assert github.fake.calls == []  # no comment, no API request at all


def test_a_scan_needs_no_token(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    run = run_action(
        tmp_path, capsys, github.fake, workspace, event, event_name, github_token="", select="TAP504"
    )
    # (the runner always passes the input; an empty one must not matter here)
    assert run.exit_code == 0, run.stderr
    assert run.outputs["low"] == "1"


def test_a_push_that_deleted_its_ref_scans_nothing(tmp_path, capsys, github):
    event = json.loads((WEBHOOKS / "push.deleted.json").read_text())
    assert event["deleted"] is True
    workspace = _repository(tmp_path / "repo")
    run = run_action(tmp_path, capsys, github.fake, workspace, event, "push", sarif_file="tapfix.sarif")
    assert run.exit_code == 0
    assert "nothing to scan: the push deleted refs/tags/simple-tag" in run.stdout
    assert run.outputs["findings"] == "0"
    assert not (workspace / "tapfix.sarif").exists()


def test_working_directory_limits_the_scan_and_finds_its_own_config(tmp_path, capsys, github):
    event_name, event = _event("schedule (cron line only)")
    workspace = _repository(tmp_path / "repo")
    # the nearest config from the working directory up: its exclude is relative to its own folder
    (workspace / "infra" / "generated").mkdir()
    (workspace / "infra" / "generated" / "s3.tf").write_text(BUCKET.replace("logs", "gen"))
    (workspace / "infra" / ".tapfix.yml").write_text("ignore: [TAP202]\nexclude: [generated]\n")
    (workspace / ".tapfix.yml").write_text("ignore: [TAP201]\n")  # not the nearest: not used
    run = run_action(
        tmp_path,
        capsys,
        github.fake,
        workspace,
        event,
        event_name,
        working_directory="infra",
        sarif_file="out/tapfix.sarif",
    )
    results = _sarif_results(workspace / "out" / "tapfix.sarif")
    assert {path for _, path in results} == {"infra/s3.tf", "infra/outputs.tf"}  # not generated/, not legacy/
    assert ("TAP201", "infra/s3.tf") in results and "TAP202" not in {rule for rule, _ in results}
    assert run.exit_code == 1
    assert "`infra/`" in run.job_summary


def test_select_and_ignore_inputs_narrow_the_rules_and_fail_on_follows(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    (workspace / ".tapfix.yml").write_text("ignore: [TAP504]\n")
    run = run_action(
        tmp_path,
        capsys,
        github.fake,
        workspace,
        event,
        event_name,
        select="TAP201, TAP202\nTAP504",
        ignore="tap202",
    )
    assert run.outputs["findings"] == "2"  # TAP201 twice: TAP202 ignored here, TAP504 in the config
    assert run.exit_code == 1
    run = run_action(tmp_path, capsys, github.fake, workspace, event, event_name, select="TAP504", ignore="")
    assert run.exit_code == 0 and run.outputs["findings"] == "0"  # the config's ignore still applies
    run = run_action(
        tmp_path, capsys, github.fake, workspace, event, event_name, select="TAP201", fail_on="critical"
    )
    assert run.exit_code == 0 and run.outputs["high"] == "2"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"working_directory": "../elsewhere"}, "input 'working-directory' = '../elsewhere'"),
        ({"working_directory": "/etc"}, "input 'working-directory' = '/etc'"),
        ({"working_directory": "nope"}, "no such folder in the checked-out repository"),
        ({"select": "TAP201,TAP2O1"}, "input 'select': 'TAP2O1' is not a rule"),
        ({"ignore": "everything"}, "input 'ignore': 'everything' is not a rule"),
    ],
)
def test_bad_scan_inputs_are_one_line_and_exit_2(tmp_path, capsys, github, inputs, message):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    run = run_action(tmp_path, capsys, github.fake, workspace, event, event_name, **inputs)
    assert run.exit_code == 2
    [line] = run.stderr.splitlines()
    assert line.startswith("::error title=tapfix::") and message in line, line


def test_a_working_directory_linked_out_of_the_workspace_is_refused(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    write_tree(tmp_path / "outside", {"main.tf": BUCKET})
    (workspace / "linked").symlink_to(tmp_path / "outside")
    run = run_action(tmp_path, capsys, github.fake, workspace, event, event_name, working_directory="linked")
    assert run.exit_code == 2
    assert "points outside the workspace" in run.stderr


def test_the_review_reads_working_directory_select_and_ignore(tmp_path, capsys, github):
    fake = github.fake
    head = {"infra/main.tf": BUCKET + OUTPUT_NO_DESCRIPTION, "other/main.tf": BUCKET}
    fake.files = changed_entries({}, head)
    workspace = write_tree(tmp_path / "head", head)
    run = run_action(
        tmp_path,
        capsys,
        fake,
        workspace,
        pull_request_event(fake),
        comment_mode="off",
        working_directory="infra",
        select="TAP201,TAP504",
        ignore="TAP504",
        sarif_file="tapfix.sarif",
    )
    assert run.outputs["new-findings"] == "1", run.stderr + run.job_summary
    assert _sarif_results(workspace / "tapfix.sarif") == [("TAP201", "infra/main.tf")]


def _crashing_rule(monkeypatch):
    import fixers.engine
    from fixers.findings import Rule, Severity
    from fixers.rules import RuleUnit, all_rules

    def crash(module, options):
        raise ValueError("cannot read the bucket")
        yield

    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)
    units = (
        *all_rules(),
        RuleUnit(Rule(id="TAP998", name="test-rule", severity=Severity.LOW, why="t"), crash, None),
    )
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)


def test_fail_on_never_reports_findings_and_exits_0(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    run = run_action(tmp_path, capsys, github.fake, workspace, event, event_name, fail_on="never")
    assert run.exit_code == 0, run.stderr
    assert int(run.outputs["high"]) >= 2 and "| high |" in run.job_summary
    (workspace / ".tapfix.yml").write_text("fail-on: never\n")  # the config says it as well
    assert run_action(tmp_path, capsys, github.fake, workspace, event, event_name).exit_code == 0


def test_fail_on_never_still_exits_2_when_a_rule_could_not_finish(tmp_path, capsys, github, monkeypatch):
    _crashing_rule(monkeypatch)
    event_name, event = _event("schedule (with repository)")
    workspace = _repository(tmp_path / "repo")
    run = run_action(
        tmp_path, capsys, github.fake, workspace, event, event_name, fail_on="never", sarif_file="t.sarif"
    )
    assert run.exit_code == 2
    assert "incomplete scan:" in run.stderr and "TAP998" in run.stderr
    assert (workspace / "t.sarif").is_file() and run.outputs["findings"] != "0"  # the rest is reported


def test_the_review_with_fail_on_never_exits_0_on_findings_and_2_when_a_rule_could_not_finish(
    tmp_path, capsys, github, monkeypatch
):
    fake = github.fake
    fake.files = changed_entries({}, {"infra/main.tf": BUCKET})
    workspace = write_tree(tmp_path / "head", {"infra/main.tf": BUCKET})
    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake), fail_on="never")
    assert run.exit_code == 0, run.stderr
    assert run.outputs["high"] == "2" and len(fake.review_comments) >= 1
    _crashing_rule(monkeypatch)
    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake), fail_on="never")
    assert run.exit_code == 2 and "incomplete scan:" in run.stderr


def test_fail_on_none_is_refused_naming_never(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    run = run_action(
        tmp_path, capsys, github.fake, _repository(tmp_path / "repo"), event, event_name, fail_on="none"
    )
    assert run.exit_code == 2
    assert "input 'fail-on' = 'none'" in run.stderr and "'never'" in run.stderr


def test_rule_names_are_accepted_where_ids_are(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    run = run_action(
        tmp_path, capsys, github.fake, workspace, event, event_name, select="s3-versioning-missing", ignore=""
    )
    assert run.outputs["findings"] == run.outputs["high"] == "2"


def test_a_terraform_file_linked_out_of_the_checkout_is_not_read(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    write_tree(tmp_path / "outside", {"secret.tf": 'resource "aws_s3_bucket" "secret" {}\n'})
    (workspace / "infra" / "secret.tf").symlink_to(tmp_path / "outside" / "secret.tf")
    run = run_action(tmp_path, capsys, github.fake, workspace, event, event_name, sarif_file="t.sarif")
    assert "aws_s3_bucket.secret" not in (workspace / "t.sarif").read_text() + run.job_summary


def test_per_path_ignore_of_a_config_in_the_working_directory_is_relative_to_it(tmp_path, capsys, github):
    event_name, event = _event("push of a branch")
    workspace = _repository(tmp_path / "repo")
    (workspace / "infra" / ".tapfix.yml").write_text("per-path-ignore:\n  s3.tf: [TAP201]\n")
    run = run_action(
        tmp_path,
        capsys,
        github.fake,
        workspace,
        event,
        event_name,
        working_directory="infra",
        sarif_file="t.sarif",
    )
    rules = {rule for rule, _ in _sarif_results(workspace / "t.sarif")}
    assert "TAP202" in rules and "TAP201" not in rules, run.stderr


def test_tapfix_command_fixes_only_under_working_directory_and_only_selected_rules(tmp_path, capsys, github):
    from tests.github.tapfix_command_pr import comment_event, default_branch, files_after, open_pr

    fake = github.fake
    open_pr(fake, {}, {"infra/s3.tf": BUCKET, "other/s3.tf": BUCKET})
    before = files_after(fake)
    workspace = default_branch(tmp_path, config="")
    run = run_action(
        tmp_path,
        capsys,
        fake,
        workspace,
        comment_event(fake),
        "issue_comment",
        working_directory="infra",
        select="TAP201",
    )
    assert run.exit_code == 0, run.stderr
    after = files_after(fake)
    assert after["other/s3.tf"] == before["other/s3.tf"]  # outside the working directory
    fixed = after["infra/s3.tf"][1].decode()
    assert "aws_s3_bucket_versioning" in fixed and "aws_s3_bucket_public_access_block" not in fixed
