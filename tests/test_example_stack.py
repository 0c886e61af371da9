"""`tapfix scan examples/aws-stack` finds exactly the flaws planted in it (examples/README.md), for the rules
that exist so far, and `tapfix fix` leaves only findings that have no automatic fix."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.command_line import main
from fixers.rules import all_rules

REPO = Path(__file__).parents[1]
STACK = REPO / "examples" / "aws-stack"
_PLACE = re.compile(r"([\w.-]+\.tf):(\d+)")


@dataclass(frozen=True)
class Planted:
    rule_id: str
    path: str | None  # None: the finding is about the module directory itself
    resource: str
    lines: frozenset[int]  # where the finding may point: the block's first line or the evidence line


def planted_flaws() -> list[Planted]:
    """The planted-flaw table of examples/README.md, for the rules registered today."""
    registered = {u.rule.id for u in all_rules()}
    flaws = []
    for line in (REPO / "examples" / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not re.fullmatch(r"TAP\d{3}", cells[0]) or cells[0] not in registered:
            continue
        rule_id, block, resource, evidence = cells[:4]
        place = _PLACE.search(block)
        if place is None:
            flaws.append(Planted(rule_id, None, resource.strip("`"), frozenset()))
            continue
        path, lines = place.group(1), {int(place.group(2))}
        lines |= {int(n) for p, n in _PLACE.findall(evidence) if p == path}
        flaws.append(Planted(rule_id, path, resource.strip("`"), frozenset(lines)))
    return flaws


def scan_json(capsys, directory: Path) -> tuple[int, dict]:
    code = main(["scan", str(directory), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_planted_table_is_read():
    flaws = planted_flaws()
    assert flaws, "no registered rule appears in examples/README.md's table"
    # one row per finding: a rule has several rows only for different resources (TAP224)
    assert len({(f.rule_id, f.resource) for f in flaws}) == len(flaws)


def test_scan_reports_exactly_the_planted_flaws(capsys):
    code, report = scan_json(capsys, STACK)
    assert report["errors"] == []
    findings = [f for f in report["findings"] if not f["suppressed"]]
    flaws = planted_flaws()
    # each planted rule fires exactly once, and no other rule fires
    assert Counter(f["rule_id"] for f in findings) == Counter(p.rule_id for p in flaws), [
        (f["rule_id"], f["path"], f["line"], f["resource"]) for f in findings
    ]
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        by_rule.setdefault(f["rule_id"], []).append(f)
    mismatched = []
    for flaw in flaws:
        if flaw.path is None:
            continue
        candidates = by_rule[flaw.rule_id]
        finding = next((f for f in candidates if f["resource"] == flaw.resource), candidates[0])
        if (finding["path"], finding["resource"]) != (flaw.path, flaw.resource) or finding[
            "line"
        ] not in flaw.lines:
            mismatched.append(
                f"{flaw.rule_id}: expected {flaw.path}:{sorted(flaw.lines)} {flaw.resource}, "
                f"got {finding['path']}:{finding['line']} {finding['resource']}"
            )
    assert mismatched == []
    assert code == (1 if any(f["severity"] in ("high", "critical") for f in findings) else 0)


@pytest.fixture(scope="module")
def fixed_stack(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("example") / "aws-stack"
    shutil.copytree(STACK, copy)
    main(["fix", str(copy), "--unsafe-fixes"])
    return copy


def test_fix_then_scan_leaves_only_findings_without_an_automatic_fix(fixed_stack, capsys):
    capsys.readouterr()
    _, report = scan_json(capsys, fixed_stack)
    remaining = [f for f in report["findings"] if not f["suppressed"]]
    automatic = [
        (f["rule_id"], f["resource"], f["fix"]["applicability"])
        for f in remaining
        if f["fix"] is not None and f["fix"]["applicability"] != "display-only"
    ]
    assert automatic == []
    planted = {(p.rule_id, p.resource) for p in planted_flaws() if p.path is not None}
    planted_rules = {p.rule_id for p in planted_flaws()}
    # fixing introduced nothing: what is left was planted
    assert [
        (f["rule_id"], f["resource"])
        for f in remaining
        if (f["rule_id"], f["resource"]) not in planted and f["rule_id"] not in planted_rules
    ] == []
    assert report["errors"] == []


@pytest.mark.slow
def test_the_fixed_stack_is_valid_terraform(fixed_stack, hcl_reference):
    # every file: fixes may add some (a README, a user-data template that templatefile() reads)
    files = {
        p.relative_to(fixed_stack).as_posix(): p.read_text()
        for p in sorted(fixed_stack.rglob("*"))
        if p.is_file()
    }
    tf = {name: text for name, text in files.items() if name.endswith(".tf")}
    assert hcl_reference.hashicorp_parse_errors(tf) == dict.fromkeys(tf)
    (result,) = hcl_reference.terraform_validate({"aws-stack": files}).values()
    assert result.ok, result.summary()


def test_what_fix_leaves_on_the_example_stack_is_what_docs_rules_says(tmp_path):
    # docs/rules.md, "What `tapfix fix` leaves behind on the example stack"
    def leftover(*flags: str) -> tuple[list[str], str]:
        copy = tmp_path / "-".join(["stack", *flags])
        shutil.copytree(STACK, copy)
        fixed = subprocess.run(
            [sys.executable, "-m", "bot.command_line", "fix", ".", *flags],
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        scanned = subprocess.run(
            [sys.executable, "-m", "bot.command_line", "scan", ".", "-f", "json"],
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return sorted({f["rule_id"] for f in json.loads(scanned.stdout)["findings"]}), fixed.stdout

    left, out = leftover()
    assert left == [
        "TAP101",
        "TAP103",
        "TAP211",
        "TAP212",
        "TAP213",
        "TAP223",
        "TAP301",
        "TAP302",
        "TAP303",
        "TAP501",
        "TAP506",
    ]
    assert out.startswith("Fixed 20 findings in ")
    assert "\nCreated 19 resources: " in out and "\nNew provider random: run `terraform init`" in out
    left, out = leftover("--unsafe-fixes")
    assert left == ["TAP302", "TAP303"]
    assert out.startswith("Fixed 30 findings in ")
    assert (
        "TAP302 aws_cloudwatch_metric_alarm.app_memory: the fix is display-only once the other fixes" in out
    )
    left, out = leftover("--no-new-resources")
    assert out.startswith("Fixed 9 findings in ") and "Created" not in out
