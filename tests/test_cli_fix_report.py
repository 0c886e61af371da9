"""What `scan` and `fix` say about fixes, as a user reads it: counts and line numbers that agree between
the two, fixes that add resources labelled in every format, and progress only where a person watches."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.cli import tapfix

STACK = Path(__file__).parents[1] / "examples" / "aws-stack"
UNVERSIONED = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def test_fix_diff_lists_findings_at_the_lines_scan_reports(tmp_path):
    copy = tmp_path / "stack"
    shutil.copytree(STACK, copy)
    scanned = json.loads(tapfix("scan", ".", "-f", "json", cwd=copy).stdout)["findings"]
    at_scan = {(f["rule_id"], f["resource"]): f"{f['path']}:{f['line']}" for f in scanned}
    fixed = tapfix("fix", "--diff", ".", cwd=copy)
    listed = re.findall(r"^  (\S+?:\d+): (TAP\d{3}) (\S+): ", fixed.stderr, re.MULTILINE)
    assert len(listed) == 30  # 21 fixed, 9 not fixed (one more went away with the fix of its variable)
    assert [
        (where, rule, resource) for where, rule, resource in listed if at_scan[rule, resource] != where
    ] == []
    # files are untouched by --diff, and the lines refer to them
    assert {"rds.tf:30", "network.tf:162"} <= {where for where, _, _ in listed}


def test_a_fix_that_adds_resources_is_labelled_in_text_json_and_markdown(tmp_path):
    (tmp_path / "main.tf").write_text(UNVERSIONED)
    text = tapfix("scan", ".", "--select", "TAP201,TAP221", cwd=tmp_path).stdout
    assert "[fixable: adds 1 resource]" in text
    report = json.loads(tapfix("scan", ".", "-f", "json", "--select", "TAP201", cwd=tmp_path).stdout)
    (finding,) = report["findings"]
    assert (finding["fix"]["creates"], finding["fix"]["new_providers"]) == (
        ["aws_s3_bucket_versioning.logs"],
        [],
    )
    markdown = tapfix("scan", ".", "-f", "markdown", "--select", "TAP201", cwd=tmp_path).stdout
    assert "| yes (adds 1 resource) |" in markdown


def test_a_fix_that_needs_a_new_provider_says_so(tmp_path):
    database = (
        'resource "aws_db_instance" "main" {\n  identifier = "main"\n'
        '  final_snapshot_identifier = "main-final"\n  skip_final_snapshot = false\n}\n'
    )
    (tmp_path / "main.tf").write_text(database)
    report = json.loads(tapfix("scan", ".", "-f", "json", "--select", "TAP221", cwd=tmp_path).stdout)
    (finding,) = report["findings"]
    assert finding["fix"]["new_providers"] == ["random"]
    assert (
        "[fixable: adds 1 resource, provider random]"
        in tapfix("scan", ".", "--select", "TAP221", cwd=tmp_path).stdout
    )
    fixed = tapfix("fix", ".", "--select", "TAP221", cwd=tmp_path)
    assert "\nCreated 1 resource: random_id.main_final_snapshot\n" in fixed.stdout
    assert "\nNew provider random: run `terraform init` before the next plan.\n" in fixed.stdout


def test_an_edit_in_place_is_not_labelled_as_adding_anything(tmp_path):
    (tmp_path / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    report = json.loads(tapfix("scan", ".", "-f", "json", "--select", "TAP504", cwd=tmp_path).stdout)
    assert [f["fix"]["creates"] for f in report["findings"]] == [[]]
    assert "Created" not in tapfix("fix", ".", "--select", "TAP504", cwd=tmp_path).stdout


def test_no_new_resources_applies_edits_and_lists_what_would_add_resources(tmp_path):
    (tmp_path / "main.tf").write_text(UNVERSIONED + 'output "x" {\n  value = 1\n}\n')
    fixed = tapfix("fix", ".", "--no-new-resources", "--select", "TAP201,TAP504", cwd=tmp_path)
    assert fixed.stdout.splitlines()[:4] == [
        "Fixed 1 finding in 1 file:",
        "  main.tf:4: TAP504 output.x: Add a description written from the output's value",
        "Not fixed (1):",
        "  main.tf:1: TAP201 aws_s3_bucket.logs: the fix adds 1 resource: aws_s3_bucket_versioning.logs",
    ]
    assert "aws_s3_bucket_versioning" not in (tmp_path / "main.tf").read_text()


def test_scan_counts_for_unsafe_fixes_leave_out_display_only_fixes(tmp_path):
    # examples/aws-stack: 11 unsafe fixes; TAP213's engine change is display-only in other modules, and
    # any display-only fix is listed but never counted as something `tapfix fix` applies.
    text = tapfix("scan", "examples/aws-stack", cwd=STACK.parents[1]).stdout
    report = json.loads(tapfix("scan", "examples/aws-stack", "-f", "json", cwd=STACK.parents[1]).stdout)
    kinds = [f["fix"]["applicability"] for f in report["findings"] if f["fix"]]
    assert f"{kinds.count('safe')} fixable with `tapfix fix`. {kinds.count('unsafe')} more with" in text


# --- progress ----------------------------------------------------------------------------------


def _many_modules(root: Path, count: int = 40) -> Path:
    for i in range(count):
        (root / f"m{i:02}").mkdir(parents=True)
        (root / f"m{i:02}" / "main.tf").write_text(UNVERSIONED)
    return root


def _run_in_pty(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """stderr on a terminal (a pty), stdout to a pipe; returns (exit code, stdout, what the terminal got)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.command_line", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    terminal = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        terminal += chunk
    stdout = process.stdout.read().decode()
    process.wait(timeout=60)
    os.close(leader)
    return process.returncode, stdout, terminal.decode(errors="replace")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    return {**env, "TERM": "xterm", **extra}


def test_progress_shows_on_a_terminal_and_is_erased(tmp_path):
    root = _many_modules(tmp_path)
    code, stdout, terminal = _run_in_pty(
        ["scan", ".", "--select", "TAP201", "-f", "json", "--jobs", "1"], root, _env()
    )
    assert code == 1
    assert re.search(r"\rtapfix: \d+/40 modules\x1b\[K", terminal)
    assert terminal.endswith("\r\x1b[K")  # the last thing on the terminal: the line erased
    assert "tapfix:" not in stdout and json.loads(stdout)["modules"] == 40  # the report carries none of it


def test_no_progress_in_ci_logs(tmp_path):
    root = _many_modules(tmp_path)
    _, _, terminal = _run_in_pty(["scan", ".", "--select", "TAP201", "--jobs", "1"], root, _env(CI="true"))
    assert "modules" not in terminal


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    root = _many_modules(tmp_path)
    env = _env()
    result = subprocess.run(
        [sys.executable, "-m", "bot.command_line", "scan", ".", "--select", "TAP201", "--jobs", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.stderr == ""
