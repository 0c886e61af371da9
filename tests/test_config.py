""".tapfix.yml through the command line: where it is found, what each key does, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fixers.engine
from bot.command_line import main
from fixers.findings import Rule, Severity
from fixers.rules import RuleUnit, all_rules
from tests.support.cli import tapfix

BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"\n}}\n'
ONLY = ["--select", "TAP201"]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def scan_json(capsys, *argv: str) -> tuple[int, list[dict]]:
    code = main(["scan", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_config_in_the_scanned_directory_sets_severity_and_fail_on(tmp_path, capsys):
    write(
        tmp_path,
        {"main.tf": BUCKET.format(name="logs"), ".tapfix.yml": "severity:\n  TAP201: low\nfail-on: low\n"},
    )
    code, findings = scan_json(capsys, str(tmp_path), *ONLY)
    assert [(f["rule_id"], f["severity"]) for f in findings] == [("TAP201", "low")]
    assert code == 1


def test_config_is_found_in_a_parent_folder_up_to_the_working_directory(tmp_path, capsys, monkeypatch):
    write(tmp_path, {".tapfix.yml": "ignore: [TAP201]\n", "infra/app/main.tf": BUCKET.format(name="logs")})
    monkeypatch.chdir(tmp_path)
    assert scan_json(capsys, "infra/app", *ONLY) == (0, [])
    monkeypatch.chdir(tmp_path / "infra")  # the config is above the working directory: not read
    assert scan_json(capsys, "app", *ONLY)[0] == 1


def test_select_in_the_config_runs_only_those_rules(tmp_path, capsys):
    write(tmp_path, {".tapfix.yml": "select: [TAP000]\n", "main.tf": BUCKET.format(name="logs")})
    assert scan_json(capsys, str(tmp_path)) == (0, [])


def test_command_line_options_override_the_config(tmp_path, capsys):
    write(
        tmp_path,
        {".tapfix.yml": "fail-on: critical\nselect: [TAP000]\n", "main.tf": BUCKET.format(name="logs")},
    )
    code, findings = scan_json(capsys, str(tmp_path), "--select", "TAP201", "--fail-on", "high")
    assert ([f["rule_id"] for f in findings], code) == (["TAP201"], 1)
    code, findings = scan_json(capsys, str(tmp_path), "--select", "TAP201", "--ignore", "TAP201")
    assert (findings, code) == ([], 0)


def test_explicit_config_path_is_used_instead_of_the_search(tmp_path, capsys):
    write(
        tmp_path,
        {
            "main.tf": BUCKET.format(name="logs"),
            ".tapfix.yml": "ignore: [TAP201]\n",
            "strict.yml": "fail-on: low\n",
        },
    )
    code, findings = scan_json(capsys, str(tmp_path), "--config", str(tmp_path / "strict.yml"), *ONLY)
    assert ([f["rule_id"] for f in findings], code) == (["TAP201"], 1)


def test_exclude_skips_folders_and_globs_relative_to_the_config_file(tmp_path, capsys, monkeypatch):
    write(
        tmp_path,
        {
            ".tapfix.yml": "exclude:\n  - infra/legacy\n  - '*/generated/*.tf'\n",
            "infra/legacy/main.tf": BUCKET.format(name="legacy"),
            "infra/app/generated/gen.tf": BUCKET.format(name="gen"),
            "infra/app/main.tf": BUCKET.format(name="app"),
        },
    )
    monkeypatch.chdir(tmp_path)
    for target in (".", "infra"):
        _, findings = scan_json(capsys, target, *ONLY)
        assert [f["resource"] for f in findings] == ["aws_s3_bucket.app"], target


def test_required_tags_reach_the_rules(tmp_path, capsys, monkeypatch):
    seen = []
    probe = Rule(id="TAP201", name="probe", severity=Severity.LOW, why="records its options")

    def check(module, options):
        seen.append(options.required_tags)
        return []

    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (RuleUnit(probe, check, all_rules()[0].source),))
    write(
        tmp_path, {".tapfix.yml": "required-tags: [Team, Service]\n", "main.tf": BUCKET.format(name="logs")}
    )
    main(["scan", str(tmp_path)])
    assert seen and set(seen) == {("Team", "Service")}


def test_without_required_tags_the_rules_see_no_tag_policy(tmp_path, capsys, monkeypatch):
    seen = []
    probe = Rule(id="TAP201", name="probe", severity=Severity.LOW, why="records its options")

    def check(module, options):
        seen.append(options.tag_policy)
        return []

    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (RuleUnit(probe, check, all_rules()[0].source),))
    write(tmp_path, {"main.tf": BUCKET.format(name="logs")})
    main(["scan", str(tmp_path)])
    assert seen == [False]


def _default_and_other(monkeypatch) -> None:
    """Two probe rules, one in the default set and one outside it, each reporting every module."""
    units = []
    for rule_id, default in (("TAP201", True), ("TAP505", False)):
        rule = Rule(id=rule_id, name=f"probe-{rule_id}", severity=Severity.LOW, why="probe", default=default)

        def check(module, options, rule=rule):
            return [rule.finding(module.of_type("resource")[0], "probe")]

        units.append(RuleUnit(rule, check, all_rules()[0].source))
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: tuple(units))


@pytest.mark.parametrize(
    ("config", "argv", "expected"),
    [
        ("", [], ["TAP201"]),  # the default set only
        ("extend-select: [TAP505]\n", [], ["TAP201", "TAP505"]),
        ("extend-select: module-readme-missing\n", [], ["TAP201", "TAP505"]),  # a name, one rule
        ("", ["--extend-select", "TAP505"], ["TAP201", "TAP505"]),
        ("extend-select: [TAP505]\n", ["--ignore", "TAP505"], ["TAP201"]),
        ("", ["--select", "TAP505"], ["TAP505"]),  # select names exactly what runs
        ("select: [TAP201]\nextend-select: [TAP505]\n", [], ["TAP201"]),
    ],
)
def test_rules_outside_the_default_set_run_only_when_selected_or_extended(
    tmp_path, capsys, monkeypatch, config, argv, expected
):
    _default_and_other(monkeypatch)
    write(tmp_path, {".tapfix.yml": config, "main.tf": BUCKET.format(name="logs")})
    _, findings = scan_json(capsys, str(tmp_path), *argv)
    assert sorted(f["rule_id"] for f in findings) == expected


def test_every_rule_outside_the_default_set_says_so_and_why_in_its_docs_page():
    docs = Path(__file__).parents[1] / "docs" / "rules"
    for unit in all_rules():
        page = (docs / f"{unit.rule.id}.md").read_text()
        if not unit.rule.default:
            assert "Not in the default rule set" in page, unit.rule.id
            assert "benchmarks/realworld" in page, unit.rule.id


RULES = "a rule or a list of rules (IDs like TAP201 or names like s3-versioning-missing)"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "rules: [TAP201]\n",
            "unknown key 'rules' (allowed keys: select, extend-select, ignore, severity, fail-on, exclude, per-path-ignore, "
            "required-tags)",
        ),
        (
            "fail-on: severe\n",
            "'fail-on': 'severe' is not a threshold (allowed: low, medium, high, critical, never)",
        ),
        (
            "severity:\n  TAP201: urgent\n",
            "'severity.TAP201': 'urgent' is not a severity (allowed: low, medium, high, critical)",
        ),
        (
            "ignore: [S3-VERSIONING]\n",
            f"'ignore': 'S3-VERSIONING' is not a rule (`tapfix rules` lists them); 'ignore' accepts {RULES}",
        ),
        (
            "select: [TAP999]\n",
            f"'select': 'TAP999' is not a rule (`tapfix rules` lists them); 'select' accepts {RULES}",
        ),
        ("ignore: 5\n", f"'ignore': got 5; 'ignore' accepts {RULES}"),
        (
            "severity:\n  TAP998: low\n",
            "'severity': 'TAP998' is not a rule (`tapfix rules` lists them); 'severity' accepts a mapping of "
            "rule to severity, like {TAP203: medium}; severities: low, medium, high, critical",
        ),
        (
            "severity: high\n",
            "'severity': got 'high'; 'severity' accepts a mapping of rule to severity, like {TAP203: medium}; "
            "severities: low, medium, high, critical",
        ),
        (
            "exclude: {legacy: true}\n",
            "'exclude': got {'legacy': True}; 'exclude' accepts a glob pattern or a list of them, like legacy "
            "or '*/generated/*.tf'",
        ),
        (
            "per-path-ignore: [examples]\n",
            "'per-path-ignore': got ['examples']; 'per-path-ignore' accepts a mapping of glob pattern to rules, "
            "like {'examples/*': [TAP506]}",
        ),
        (
            "- TAP201\n",
            "the config must be a mapping of keys (select, extend-select, ignore, severity, fail-on, exclude, "
            "per-path-ignore, "
            "required-tags)",
        ),
        ("select: [TAP201\n", None),  # not YAML: the position is given
        (
            "required-tags: ['']\n",
            "'required-tags': tag keys must be non-empty strings; 'required-tags' accepts a tag key or a list "
            "of tag keys, like [Environment, Owner]",
        ),
    ],
)
def test_a_bad_config_is_one_line_naming_file_key_and_allowed_values_exit_2(
    tmp_path, capsys, content, problem
):
    write(tmp_path, {".tapfix.yml": content, "main.tf": BUCKET.format(name="logs")})
    code = main(["scan", str(tmp_path)])
    out, err = capsys.readouterr()
    config = tmp_path / ".tapfix.yml"
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    if problem is None:
        assert err.startswith(f"tapfix: error: {config}:2:1: not valid YAML: ")
    else:
        assert err == f"tapfix: error: {config}: {problem}\n"


def test_an_empty_config_file_means_the_defaults(tmp_path, capsys):
    write(tmp_path, {".tapfix.yml": "", "main.tf": BUCKET.format(name="logs")})
    assert scan_json(capsys, str(tmp_path), *ONLY)[0] == 1


@pytest.mark.parametrize(
    "ignore",
    ["ignore: TAP201", "ignore: s3-versioning-missing", "ignore: [S3-Versioning-Missing]", "ignore: tap201"],
)
def test_ignore_takes_a_single_rule_and_rule_names(tmp_path, ignore):
    write(tmp_path, {".tapfix.yml": ignore + "\n", "main.tf": BUCKET.format(name="logs")})
    result = tapfix("scan", ".", "--select", "TAP201,TAP202", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["TAP202"]


def test_fail_on_never_in_the_config_reports_findings_and_exits_0(tmp_path):
    write(tmp_path, {".tapfix.yml": "fail-on: never\n", "main.tf": BUCKET.format(name="logs")})
    result = tapfix("scan", ".", "--select", "TAP201", cwd=tmp_path)
    assert result.returncode == 0
    assert "TAP201 [high]" in result.stdout


def test_per_path_ignore_turns_rules_off_under_a_folder_only(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            ".tapfix.yml": "per-path-ignore:\n  examples: [s3-versioning-missing]\n  '*/legacy.tf': TAP202\n",
            "examples/demo/main.tf": BUCKET.format(name="demo"),
            "infra/main.tf": BUCKET.format(name="app"),
            "infra/legacy.tf": BUCKET.format(name="old"),
        },
    )
    result = tapfix("scan", ".", "--select", "TAP201,TAP202", "--format", "json", cwd=tmp_path)
    found = sorted((f["path"], f["rule_id"]) for f in json.loads(result.stdout)["findings"])
    assert found == [
        ("examples/demo/main.tf", "TAP202"),
        ("infra/legacy.tf", "TAP201"),
        ("infra/main.tf", "TAP201"),
        ("infra/main.tf", "TAP202"),
    ]
    # scanning a folder below the config: the patterns still mean the same files
    result = tapfix("scan", "examples", "--select", "TAP201,TAP202", "--format", "json", cwd=tmp_path)
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["TAP202"]
    # and `fix` leaves the ignored rule's finding alone there
    result = tapfix("fix", "examples", "--select", "TAP201", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "Nothing to fix.\n")
