"""`tapfix scan`, `tapfix fix` and `tapfix rules` as a user runs them: arguments, output, exit codes, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import command_line
from bot.command_line import main
from bot.formats import FORMATS
from fixers.rules import all_rules

UNVERSIONED = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
VERSIONING_BLOCK = """
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
# Rules keep landing; these tests are about the command line, so they look at the reference rule only.
ONLY = ["--select", "TAP201,TAP000"]


def module(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.command_line", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


# --- scan: text output and exit codes ----------------------------------------------------------


def test_scan_prints_path_line_col_rule_severity_message_grouped_per_file(tmp_path, capsys, monkeypatch):
    module(tmp_path / "infra", {"a.tf": UNVERSIONED, "b.tf": UNVERSIONED.replace("logs", "data")})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "infra", *ONLY)
    assert out == (
        "infra/a.tf:1:1: TAP201 [high] aws_s3_bucket.logs has no versioning: overwritten or deleted objects "
        "cannot be recovered [fixable: adds 1 resource]\n"
        "\n"
        "infra/b.tf:1:1: TAP201 [high] aws_s3_bucket.data has no versioning: overwritten or deleted objects "
        "cannot be recovered [fixable: adds 1 resource]\n"
        "\n"
        "Found 2 findings (2 high). 2 fixable with `tapfix fix`.\n"
    )
    assert code == 1


def test_clean_module_exits_zero_and_says_so(tmp_path, capsys, monkeypatch):
    module(tmp_path, {"main.tf": UNVERSIONED + VERSIONING_BLOCK})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", *ONLY)
    assert (code, out) == (0, "No findings in 1 file.\n")


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("critical", 0), ("high", 1), ("low", 1)],
)
def test_fail_on_sets_the_threshold_for_exit_code_1(tmp_path, capsys, fail_on, expected):
    module(tmp_path, {"main.tf": UNVERSIONED})
    code, _, _ = run(capsys, "scan", str(tmp_path), *ONLY, "--fail-on", fail_on)
    assert code == expected


def test_findings_below_the_default_threshold_exit_zero(tmp_path, capsys):
    module(tmp_path, {"main.tf": UNVERSIONED})
    (tmp_path / ".tapfix.yml").write_text("severity:\n  TAP201: medium\n")
    code, out, _ = run(capsys, "scan", str(tmp_path), *ONLY)
    assert "TAP201 [medium]" in out
    assert code == 0


def test_ignore_and_select_choose_rules(tmp_path, capsys):
    module(tmp_path, {"main.tf": UNVERSIONED})
    assert run(capsys, "scan", str(tmp_path), "--ignore", "TAP201", "--select", "TAP201")[0] == 0
    code, out, _ = run(capsys, "scan", str(tmp_path), "--select", "TAP000", "--select", "TAP201")
    assert code == 1 and "TAP201" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan", "does-not-exist"], "tapfix: error: does-not-exist: no such file or directory\n"),
        (
            ["scan", ".", "--select", "TAP999"],
            "tapfix: error: --select: 'TAP999' is not a rule (IDs like TAP201 or names like "
            "s3-versioning-missing; `tapfix rules` lists them)\n",
        ),
        (
            ["scan", ".", "--ignore", "TAP2O1"],
            "tapfix: error: --ignore: 'TAP2O1' is not a rule (IDs like TAP201 or names like "
            "s3-versioning-missing; `tapfix rules` lists them)\n",
        ),
        (["scan", ".", "--config", "nope.yml"], "tapfix: error: --config nope.yml: no such file\n"),
        (["scan", ".", "--jobs", "0"], "tapfix: error: --jobs must be at least 1\n"),
        (
            ["rules", "--explain", "TAP999"],
            "tapfix: error: --explain: 'TAP999' is not a rule (IDs like TAP201 or names like "
            "s3-versioning-missing; `tapfix rules` lists them)\n",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, capsys, monkeypatch, argv, message):
    module(tmp_path, {"main.tf": UNVERSIONED})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (2, "", message)


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--format", "xml"])
    assert exc.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: tapfix" in capsys.readouterr().err


def test_a_rule_that_crashes_is_an_internal_error_exit_2(tmp_path, capsys, monkeypatch):
    import fixers.engine
    from fixers.rules import RuleUnit

    def broken(module, options):
        raise ValueError("boom")

    unit = all_rules()[0]
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (RuleUnit(unit.rule, broken, unit.source),))
    monkeypatch.delenv("TAPFIX_DEBUG")
    module(tmp_path, {"main.tf": UNVERSIONED})
    code, out, _ = run(capsys, "scan", str(tmp_path), "--format", "json")
    assert code == 2
    assert json.loads(out)["errors"] == [
        {
            "path": ".",
            "line": 1,
            "column": 1,
            "message": f"internal error in rule {unit.rule.id}: ValueError: boom",
            "kind": "rule-crash",
            "rule_id": unit.rule.id,
        }
    ]
    code, out, _ = run(capsys, "scan", str(tmp_path), "--format", "sarif")
    assert code == 2
    assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False


@pytest.mark.parametrize("folder", ["ok", "net.tf"])
def test_a_rule_crash_exits_2_and_is_reported_once_whatever_its_folder_is_named(
    folder, tmp_path, capsys, monkeypatch
):
    # The crash names the module's folder: a folder named like a file once made it a file's error.
    import fixers.engine
    from fixers.rules import RuleUnit

    def broken(module, options):
        raise ValueError("boom")

    unit = next(u for u in all_rules() if u.rule.id == "TAP201")
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (RuleUnit(unit.rule, broken, unit.source),))
    monkeypatch.delenv("TAPFIX_DEBUG")
    module(tmp_path / folder, {"main.tf": UNVERSIONED})
    code, out, _ = run(capsys, "scan", str(tmp_path), "--format", "json")
    assert code == 2
    assert [(e["path"], e["kind"], e["rule_id"]) for e in json.loads(out)["errors"]] == [
        (folder, "rule-crash", "TAP201")
    ]
    code, out, _ = run(capsys, "scan", str(tmp_path))
    assert code == 2 and out.count("internal error in rule TAP201: ValueError: boom") == 1
    code, out, _ = run(capsys, "scan", str(tmp_path), "--format", "sarif")
    [invocation] = json.loads(out)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert [n["associatedRule"]["id"] for n in invocation["toolExecutionNotifications"]] == ["TAP201"]
    code, _, _ = run(capsys, "fix", str(tmp_path))
    assert code == 2


def test_a_directory_without_tf_files_says_so_on_stderr_and_exits_0(tmp_path, capsys):
    (tmp_path / "README.md").write_text("# not terraform\n")
    code, out, err = run(capsys, "scan", str(tmp_path), "--format", "json")
    assert code == 0
    assert err == f"tapfix: no .tf files found in {tmp_path}\n"
    assert json.loads(out)["findings"] == [] and json.loads(out)["files"] == 0


def test_hidden_and_terraform_folders_are_not_scanned_but_nested_modules_are(tmp_path, capsys, monkeypatch):
    module(
        tmp_path,
        {
            "modules/bucket/main.tf": UNVERSIONED,
            ".terraform/modules/x/main.tf": UNVERSIONED,
            ".hidden/main.tf": UNVERSIONED,
        },
    )
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "scan", "--format", "json", *ONLY)
    assert [f["path"] for f in json.loads(out)["findings"]] == ["modules/bucket/main.tf"]


def test_scanning_files_reports_only_their_findings_but_reads_the_whole_module(tmp_path, capsys, monkeypatch):
    module(
        tmp_path,
        {
            "app/buckets.tf": UNVERSIONED + UNVERSIONED.replace("logs", "data"),
            # versions aws_s3_bucket.logs from another file: the module must be read whole
            "app/versioning.tf": VERSIONING_BLOCK.lstrip(),
            "app/other.tf": UNVERSIONED.replace("logs", "other"),
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "app/buckets.tf", "app/versioning.tf", "--format", "json", *ONLY)
    findings = json.loads(out)["findings"]
    assert [(f["path"], f["resource"]) for f in findings] == [("app/buckets.tf", "aws_s3_bucket.data")]
    assert code == 1


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path, capsys):
    module(tmp_path / "m", {"main.tf": UNVERSIONED})
    target = tmp_path / "report.sarif"
    code, out, _ = run(capsys, "scan", str(tmp_path / "m"), "--format", "sarif", "-o", str(target), *ONLY)
    assert out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert code == 1


def test_every_format_the_parser_offers_renders(tmp_path, capsys):
    module(tmp_path, {"main.tf": UNVERSIONED})
    for fmt in FORMATS:
        code, out, _ = run(capsys, "scan", str(tmp_path), "--format", fmt, *ONLY)
        assert code == 1 and "aws_s3_bucket.logs" in out, fmt


# --- colour ------------------------------------------------------------------------------------


def _scan_on_a_terminal(tmp_path: Path, env: dict[str, str]) -> str:
    import pty

    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.command_line", "scan", str(tmp_path), *ONLY],
        stdout=secondary,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TERM": "xterm", **env},
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path, capsys):
    module(tmp_path, {"main.tf": UNVERSIONED})
    env = {k: "" for k in ("NO_COLOR",)}
    assert "\x1b[1;31m[high]" in _scan_on_a_terminal(tmp_path, env)
    assert "\x1b[" not in _scan_on_a_terminal(tmp_path, {"NO_COLOR": "1"})
    run(capsys, "scan", str(tmp_path), *ONLY)  # captured output is not a terminal
    assert "\x1b[" not in capsys.readouterr().out
    _, out, _ = run(capsys, "scan", str(tmp_path), "--color", "always", *ONLY)
    assert "\x1b[1;31m[high]\x1b[0m" in out


# --- fix ---------------------------------------------------------------------------------------


def test_fix_writes_the_fix_and_a_second_run_changes_nothing(tmp_path, capsys):
    module(tmp_path, {"main.tf": UNVERSIONED})
    code, out, _ = run(capsys, "fix", str(tmp_path), *ONLY)
    assert (tmp_path / "main.tf").read_text() == UNVERSIONED + VERSIONING_BLOCK
    assert out.splitlines()[0] == "Fixed 1 finding in 1 file:"
    assert code == 0
    code, out, _ = run(capsys, "fix", str(tmp_path), *ONLY)
    assert (code, out) == (0, "Nothing to fix.\n")


def test_fix_over_many_modules_uses_workers_and_fixes_each_module(tmp_path, capsys):
    from fixers.engine import _PARALLEL_MIN_MODULES

    names = [f"m{i:02d}" for i in range(_PARALLEL_MIN_MODULES)]
    for name in names:
        module(tmp_path / name, {"main.tf": UNVERSIONED})
    code, out, _ = run(capsys, "fix", str(tmp_path), "--jobs", "2", *ONLY)
    assert out.splitlines()[0] == f"Fixed {len(names)} findings in {len(names)} files:"
    assert all((tmp_path / n / "main.tf").read_text() == UNVERSIONED + VERSIONING_BLOCK for n in names)
    assert code == 0


def test_fix_keeps_byte_order_mark_and_crlf_line_endings(tmp_path, capsys):
    original = ("\ufeff" + UNVERSIONED.replace("\n", "\r\n")).encode()
    module(tmp_path, {"main.tf": original})
    run(capsys, "fix", str(tmp_path), *ONLY)
    data = (tmp_path / "main.tf").read_bytes()
    assert data == ("\ufeff" + (UNVERSIONED + VERSIONING_BLOCK).replace("\n", "\r\n")).encode()


def test_fix_diff_prints_a_unified_diff_and_writes_nothing(tmp_path, capsys, monkeypatch):
    module(tmp_path / "infra", {"main.tf": UNVERSIONED})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "fix", "--diff", "infra", *ONLY)
    assert out == (
        "--- a/infra/main.tf\n+++ b/infra/main.tf\n@@ -1,3 +1,11 @@\n"
        ' resource "aws_s3_bucket" "logs" {\n   bucket = "acme-logs"\n }\n'
        + "".join("+" + line + "\n" for line in VERSIONING_BLOCK.splitlines())
    )
    assert (tmp_path / "infra/main.tf").read_text() == UNVERSIONED
    assert err.startswith("Would fix 1 finding in 1 file:\n")
    assert code == 0  # what would remain after the fix decides the exit code


def test_fix_diff_output_applies_with_git_apply(tmp_path, capsys, monkeypatch):
    module(tmp_path, {"main.tf": UNVERSIONED, "other.tf": UNVERSIONED.replace("logs", "data")})
    monkeypatch.chdir(tmp_path)
    _, diff, _ = run(capsys, "fix", "--diff", *ONLY)
    run(capsys, "fix", *ONLY)
    fixed = {p: (tmp_path / p).read_text() for p in ("main.tf", "other.tf")}
    module(tmp_path, {"main.tf": UNVERSIONED, "other.tf": UNVERSIONED.replace("logs", "data")})
    subprocess.run(["git", "apply", "-"], input=diff, text=True, check=True, cwd=tmp_path)
    assert {p: (tmp_path / p).read_text() for p in fixed} == fixed


def test_fix_only_touches_findings_of_the_given_files(tmp_path, capsys):
    module(tmp_path, {"a.tf": UNVERSIONED, "b.tf": UNVERSIONED.replace("logs", "data")})
    run(capsys, "fix", str(tmp_path / "b.tf"), *ONLY)
    assert (tmp_path / "a.tf").read_text() == UNVERSIONED
    assert "aws_s3_bucket_versioning" in (tmp_path / "b.tf").read_text()


def test_fix_without_a_safe_fix_leaves_the_file_and_exits_1(tmp_path, capsys):
    # a file that does not parse (TAP000) has no automatic fix
    broken = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n'
    module(tmp_path, {"main.tf": broken})
    code, out, _ = run(capsys, "fix", str(tmp_path), *ONLY)
    assert (tmp_path / "main.tf").read_text() == broken
    assert out.startswith("Nothing to fix.\n")
    assert "1 finding remains (1 high)" in out
    assert code == 1


# --- rules -------------------------------------------------------------------------------------


def test_rules_lists_every_registered_rule_with_severity_fix_kinds_availability_and_default_status(capsys):
    code, out, _ = run(capsys, "rules")
    table, _, note = out.partition("\n\n")
    assert table.splitlines()[0].split() == ["ID", "NAME", "SEVERITY", "FIX", "AVAILABLE", "DEFAULT"]
    rows = [line.split() for line in table.splitlines()[1:]]
    expected = [
        [
            u.rule.id,
            name,
            severity.value,
            "/".join(a.value for a in u.rule.fixes) or "none",
            u.rule.fix_availability.value,
            "yes" if u.rule.default else "no",
        ]
        for u in all_rules()
        for name, severity in [(u.rule.name, u.rule.severity), *u.rule.also]
    ]
    assert (code, rows) == (0, expected)
    assert "right on at least 9 of 10 findings" in note and "--extend-select" in note


def test_rules_json_carries_the_docs_url(capsys):
    _, out, _ = run(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [u.rule.id for u in all_rules()]
    assert rows[0]["docs_url"].endswith(f"/docs/rules/{rows[0]['id']}.md")


def test_explain_prints_the_rules_docs_page(capsys):
    code, out, _ = run(capsys, "rules", "--explain", "tap201")
    page = (Path(__file__).parents[1] / "docs" / "rules" / "TAP201.md").read_text()
    assert (code, out) == (0, page)


def test_every_registered_rule_has_a_docs_page():
    docs = Path(__file__).parents[1] / "docs" / "rules"
    missing = [u.rule.id for u in all_rules() if not (docs / f"{u.rule.id}.md").is_file()]
    assert missing == [], (
        f"rules without docs/rules/<ID>.md (SARIF helpUri and --explain point there): {missing}"
    )


def test_explain_works_from_an_installed_package(tmp_path):
    """Build the package the way a wheel is built (setuptools' build_py, from pyproject.toml), then run
    `--explain` from the built copy with the source checkout out of reach."""
    repo = Path(__file__).parents[1]
    build = tmp_path / "build"
    script = (
        "import sys\n"
        "from setuptools.dist import Distribution\n"
        "from setuptools.config.pyprojecttoml import apply_configuration\n"
        "dist = Distribution()\n"
        "dist.script_name = 'setup.py'\n"
        "apply_configuration(dist, 'pyproject.toml')\n"
        "command = dist.get_command_obj('build_py')\n"
        "command.build_lib = sys.argv[1]\n"
        "dist.run_command('build_py')\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(build)], cwd=repo, check=True, capture_output=True, timeout=120
    )
    shipped = build / "bot" / "rule_docs" / "TAP201.md"
    assert shipped.is_file() and not shipped.is_symlink()
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    probe = (
        "import sys, bot\n"
        "assert bot.__file__.startswith(sys.argv[1]), bot.__file__\n"
        "from bot.command_line import main\n"
        "sys.exit(main(['rules', '--explain', 'TAP201']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(build)],
        cwd=run_dir,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(build)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (repo / "docs/rules/TAP201.md").read_text()


# --- the process as a whole --------------------------------------------------------------------


def test_the_installed_entry_point_runs_and_scan_never_imports_pygithub(tmp_path):
    module(tmp_path, {"main.tf": UNVERSIONED})
    probe = (
        "import sys\n"
        "from bot.command_line import main\n"
        "code = main(['scan', sys.argv[1], '--select', 'TAP201'])\n"
        "assert 'github' not in sys.modules, 'scan imported PyGithub'\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stderr
    assert "TAP201 [high]" in result.stdout


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("tapfix ")


def test_the_version_is_the_packages():
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == command_line.VERSION


def test_console_script_points_at_main():
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert 'tapfix = "bot.command_line:main"' in pyproject
    assert command_line.main is main
