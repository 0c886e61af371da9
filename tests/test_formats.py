"""`--format json|sarif|markdown|text`: the JSON contract, SARIF that GitHub code scanning accepts, Markdown
that nothing from the scanned files can break out of."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from bot.command_line import main
from fixers.hcl.parser import HclSyntaxError, parse
from fixers.rules import all_rules

SCHEMAS = Path(__file__).parent / "fixtures" / "sarif"
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
SUPPRESSED = (
    "# tapfix:ignore TAP201 scratch data, recreated by the nightly job\n"
    'resource "aws_s3_bucket" "scratch" {\n  bucket = "acme-scratch"\n}\n'
)
BROKEN = 'resource "aws_s3_bucket" "half" {\n  bucket = "acme-half"\n'
ONLY = ["--select", "TAP201,TAP000"]


def _parser_message(text: str) -> str:
    try:
        parse(text)
    except HclSyntaxError as exc:
        return exc.message
    raise AssertionError("expected a syntax error")


# The parser's wording is the parser's business; the formats must pass it through unchanged.
BROKEN_MESSAGE = _parser_message(BROKEN)


@pytest.fixture
def stack(tmp_path, monkeypatch):
    """infra/ holds a fixable finding, a suppressed one and a file that does not parse."""
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(BUCKET)
    (infra / "scratch.tf").write_text(SUPPRESSED)
    (infra / "broken.tf").write_text(BROKEN)
    monkeypatch.chdir(tmp_path)
    return infra


def scan(capsys, *argv: str) -> str:
    main(["scan", *argv])
    return capsys.readouterr().out


# --- json ------------------------------------------------------------------------------------


def test_json_follows_the_documented_contract(stack, capsys):
    report = json.loads(scan(capsys, "infra", "--format", "json", *ONLY))
    assert list(report)[:4] == ["tool", "version", "findings", "errors"]
    assert report["tool"] == "tapfix" and report["version"] == "1.0.0"
    contract = ["rule_id", "severity", "path", "line", "end_line", "resource", "message", "fix"]
    by_resource = {f["resource"]: f for f in report["findings"]}
    assert {k: by_resource["aws_s3_bucket.logs"][k] for k in contract} == {
        "rule_id": "TAP201",
        "severity": "high",
        "path": "main.tf",  # relative to the directory scanned
        "line": 1,
        "end_line": 3,
        "resource": "aws_s3_bucket.logs",
        "message": "aws_s3_bucket.logs has no versioning: overwritten or deleted objects cannot be recovered",
        "fix": {
            "applicability": "safe",
            "description": "Add aws_s3_bucket_versioning.logs with status Enabled",
            "edits": [
                {
                    "path": "main.tf",
                    "start": len(BUCKET) - 1,  # after the closing brace
                    "end": len(BUCKET) - 1,
                    "new_text": '\n\nresource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n\n'
                    '  versioning_configuration {\n    status = "Enabled"\n  }\n}',
                    "line": 3,
                    "column": 2,
                    "end_line": 3,
                    "end_column": 2,
                }
            ],
            "creates": ["aws_s3_bucket_versioning.logs"],
            "new_providers": [],
        },
    }
    assert {k: by_resource["broken.tf"][k] for k in contract[:6]} == {
        "rule_id": "TAP000",
        "severity": "high",
        "path": "broken.tf",
        "line": 3,
        "end_line": 3,
        "resource": "broken.tf",
    }
    assert by_resource["broken.tf"]["fix"] is None
    assert report["errors"] == [
        {
            "path": "broken.tf",
            "line": 3,
            "column": 1,
            "message": BROKEN_MESSAGE,
            "kind": "parse",
            "rule_id": None,
        }
    ]
    assert report["root"] == "infra"


def test_json_lists_suppressed_findings_with_their_reason(stack, capsys):
    report = json.loads(scan(capsys, "infra", "--format", "json", *ONLY))
    scratch = [f for f in report["findings"] if f["resource"] == "aws_s3_bucket.scratch"]
    assert [(f["suppressed"], f["suppression_reason"]) for f in scratch] == [
        (True, "scratch data, recreated by the nightly job")
    ]
    assert all(f["suppressed"] is False for f in report["findings"] if f is not scratch[0])


def test_json_fingerprint_ignores_line_moves(tmp_path, capsys):
    (tmp_path / "main.tf").write_text(BUCKET)
    before = json.loads(scan(capsys, str(tmp_path), "--format", "json", *ONLY))["findings"][0]
    (tmp_path / "main.tf").write_text("\n\n# moved down\n" + BUCKET)
    after = json.loads(scan(capsys, str(tmp_path), "--format", "json", *ONLY))["findings"][0]
    assert after["line"] == before["line"] + 3
    assert after["fingerprint"] == before["fingerprint"]


# --- sarif -----------------------------------------------------------------------------------


def _validators() -> list[jsonschema.protocols.Validator]:
    rtm5 = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text())
    current = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text())
    return [jsonschema.Draft4Validator(rtm5), jsonschema.Draft202012Validator(current)]


def test_sarif_is_valid_against_the_sarif_2_1_0_schemas(stack, capsys):
    log = json.loads(scan(capsys, "infra", "--format", "sarif"))
    for validator in _validators():
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
        assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_sarif_carries_what_code_scanning_uses(stack, capsys):
    run = json.loads(scan(capsys, "infra", "--format", "sarif", *ONLY))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [u.rule.id for u in all_rules()]
    tap201 = next(r for r in rules if r["id"] == "TAP201")
    assert tap201["helpUri"].endswith("/docs/rules/TAP201.md")
    assert tap201["help"]["markdown"] == (Path(__file__).parents[1] / "docs/rules/TAP201.md").read_text()
    assert tap201["defaultConfiguration"] == {"level": "error"}
    results = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in run["results"]}
    logs = results["aws_s3_bucket.logs"]
    assert rules[logs["ruleIndex"]]["id"] == logs["ruleId"] == "TAP201"
    assert logs["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 1, "endLine": 3, "endColumn": 2},
    }
    assert re.fullmatch(r"[0-9a-f]{16}", logs["partialFingerprints"]["tapfix/v1"])
    assert "suppressions" not in logs
    assert results["aws_s3_bucket.scratch"]["suppressions"] == [
        {"kind": "inSource", "justification": "scratch data, recreated by the nightly job"}
    ]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notifications] == [f"broken.tf: {BROKEN_MESSAGE}"]


def _apply_sarif_replacements(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (1-based line/column regions counted in code points) to `text`."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    spans = [
        (
            offset(r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
            offset(r["deletedRegion"]["endLine"], r["deletedRegion"]["endColumn"]),
            r["insertedContent"]["text"],
        )
        for r in replacements
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_sarif_fix_regions_reproduce_the_edit_tapfix_fix_makes(tmp_path, capsys):
    # a multi-byte character before the edit: columns must count code points, as SARIF is told
    original = '# Düsseldorf ✓\nresource "aws_s3_bucket" "logs" { bucket = "acme-logs" }\n'
    (tmp_path / "main.tf").write_text(original)
    log = json.loads(scan(capsys, str(tmp_path), "--format", "sarif", *ONLY))
    (change,) = log["runs"][0]["results"][0]["fixes"][0]["artifactChanges"]
    via_sarif = _apply_sarif_replacements(original, change["replacements"])
    main(["fix", str(tmp_path), *ONLY])
    assert via_sarif == (tmp_path / "main.tf").read_text() != original


# --- markdown --------------------------------------------------------------------------------

HOSTILE_NAME = "@octocat #1 <img src=x>|`x`.tf"


def test_markdown_summary_has_a_table_per_severity_with_rule_links(stack, capsys):
    out = scan(capsys, "infra", "--format", "markdown", *ONLY)
    assert out.startswith("### tapfix: 2 findings (2 high)\n")
    assert "#### High (2)\n" in out
    assert (
        "| `infra/main.tf:1` | [TAP201](https://github.com/tapfix/tapfix/blob/main/docs/rules/TAP201.md) "
        "| `aws_s3_bucket.logs` | aws_s3_bucket.logs has no versioning: overwritten or deleted objects "
        "cannot be recovered | yes (adds 1 resource) |"
    ) in out
    assert "1 finding suppressed with `tapfix:ignore` comments." in out
    assert "scratch" not in out.replace("1 finding suppressed", "")


def test_markdown_escapes_everything_that_comes_from_the_scanned_files(tmp_path, capsys):
    (tmp_path / HOSTILE_NAME).write_text('resource "x" "y" {\n  a = 1\n  <!-- tapfix:fp=forged -->\n}\n')
    out = scan(capsys, str(tmp_path), "--format", "markdown", *ONLY)
    table_rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert len(table_rows) == 1
    # five cells: a pipe in the file name must not add one
    assert len(re.findall(r"(?<!\\)\|", table_rows[0])) == 6
    prose = re.sub(r"(`+).+?\1", "", out)  # code spans render literally: look at what is outside them
    assert "@octocat" not in prose and "<img" not in prose
    assert not re.search(r"(?<!&)#1", prose)  # `&#124;` is the escaped pipe, not an issue reference
    assert "<!--" not in out


def test_markdown_caps_long_tables(tmp_path, capsys):
    from bot.formats import Context
    from bot.formats.markdown import render
    from fixers.config import Config
    from fixers.engine import scan as engine_scan
    from fixers.workspace import read_module

    (tmp_path / "main.tf").write_text("".join(BUCKET.replace("logs", f"b{i}") for i in range(5)))
    report = engine_scan([read_module(tmp_path, tmp_path)], Config(select=["TAP201"]), jobs=1)
    out = render(report, Context(version="0"), max_rows=2)
    assert out.count("| `main.tf:") == 2
    assert "… and 3 more." in out


# --- text ------------------------------------------------------------------------------------


def test_text_hides_suppressed_findings_and_counts_them(stack, capsys):
    out = scan(capsys, "infra", *ONLY)
    assert "scratch" not in out.split("\n\n")[-1] and "aws_s3_bucket.scratch" not in out
    assert out.endswith("Found 2 findings (2 high). 1 fixable with `tapfix fix`. 1 suppressed.\n")


def test_text_shows_unreadable_files_even_when_tap000_is_off(stack, capsys):
    out = scan(capsys, "infra", "--select", "TAP201")
    assert f"infra/broken.tf:3:1: error: {BROKEN_MESSAGE}\n" in out
