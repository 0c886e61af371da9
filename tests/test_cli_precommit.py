""".pre-commit-hooks.yaml: the hooks run the CLI on staged .tf files the way pre-commit calls them."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

HOOKS = {
    h["id"]: h for h in yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
}
BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"\n}}\n'


def _call_like_pre_commit(
    hook: dict, files: list[str], cwd: Path, rules: str = "TAP201"
) -> subprocess.CompletedProcess:
    """pre-commit runs `entry` plus the staged file names (relative to the repository root) from the root;
    `tapfix` is the console script, i.e. bot.command_line:main."""
    argv = shlex.split(hook["entry"])
    assert argv[0] == "tapfix"
    return subprocess.run(
        [sys.executable, "-m", "bot.command_line", *argv[1:], "--select", rules, *files],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_hooks_run_tapfix_on_tf_files_only():
    assert HOOKS["tapfix"]["entry"] == "tapfix scan"
    assert HOOKS["tapfix-fix"]["entry"] == "tapfix fix --no-new-resources"
    for hook in HOOKS.values():
        assert hook["language"] == "python"
        pattern = re.compile(hook["files"])
        assert [bool(pattern.search(n)) for n in ("main.tf", "a/b/s3.tf", "x.tfvars", "x.tf.json")] == [
            True,
            True,
            False,
            False,
        ]


def test_scan_hook_reports_only_the_staged_files_and_fails_the_commit(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra/staged.tf").write_text(BUCKET.format(name="staged"))
    (tmp_path / "infra/untouched.tf").write_text(BUCKET.format(name="untouched"))
    result = _call_like_pre_commit(HOOKS["tapfix"], ["infra/staged.tf"], tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("infra/staged.tf:1:1: TAP201 [high] aws_s3_bucket.staged")
    assert "untouched" not in result.stdout


def test_fix_hook_edits_the_staged_files_and_leaves_the_rest(tmp_path):
    hard_coded = 'resource "aws_db_instance" "{name}" {{\n  deletion_protection = true\n}}\n'
    (tmp_path / "staged.tf").write_text(hard_coded.format(name="staged"))
    (tmp_path / "untouched.tf").write_text(hard_coded.format(name="untouched"))
    result = _call_like_pre_commit(HOOKS["tapfix-fix"], ["staged.tf"], tmp_path, rules="TAP404")
    assert result.returncode == 0, result.stderr
    assert "deletion_protection = var.staged_deletion_protection" in (tmp_path / "staged.tf").read_text()
    assert (tmp_path / "untouched.tf").read_text() == hard_coded.format(name="untouched")


def test_fix_hook_reports_fixes_that_add_resources_instead_of_adding_them(tmp_path):
    (tmp_path / "staged.tf").write_text(BUCKET.format(name="staged"))
    result = _call_like_pre_commit(HOOKS["tapfix-fix"], ["staged.tf"], tmp_path)
    assert (tmp_path / "staged.tf").read_text() == BUCKET.format(name="staged")
    assert result.stdout == (
        "Nothing to fix.\n"
        "Not fixed (1):\n"
        "  staged.tf:1: TAP201 aws_s3_bucket.staged: the fix adds 1 resource: aws_s3_bucket_versioning.staged\n"
        "1 finding remains (1 high): `tapfix scan` lists them.\n"
    )
    assert result.returncode == 1
