"""Every fix the rules produce, checked by HashiCorp's own tools.

For every fixture module (tests/rules/TAP*/<case>/) and the example stack, apply all fixes
(unsafe included) the way `tapfix fix --unsafe-fixes` does, then check that:
- every changed file parses with HashiCorp's parser (hclsyntax, via @cdktf/hcl2json);
- the fixed module passes `terraform validate` against the real AWS provider schema;
- the changed files are exactly as `terraform fmt` would format them;
- a rescan no longer reports any finding whose fix was applied, and fixing again changes nothing;
- tapfix's in-process check (fixers/terraform_check.py, what fix verification runs) and
  `terraform validate` give every fixed module the same verdict, changed by a fix or not.
A fixture directory holding a `.not-terraform` file is deliberately invalid input (parse-error
fixtures) and is only checked for the last point.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

from fixers.engine import fix_module, load, scan
from fixers.terraform_check import problems
from fixers.workspace import ModuleInput, read_module
from tests.rules.harness import every_rule

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (ROOT / "tests" / "rules").glob("TAP*/*") if p.is_dir())
MODULES = [*FIXTURES, ROOT / "examples" / "aws-stack"]
IDS = [p.relative_to(ROOT).as_posix() for p in MODULES]


def _all_files(directory: Path) -> dict[str, str]:
    """Every .tf file of the fixture, nested module folders included (module calls need them)."""
    return {
        p.relative_to(directory).as_posix(): p.read_text(encoding="utf-8-sig")
        for p in sorted(directory.rglob("*"))
        if p.is_file() and (p.suffix == ".tf" or p.name.endswith(".tfvars") or p.suffix in (".sh", ".tftpl"))
    }


@cache
def _fixed(directory: Path) -> tuple[dict[str, str], dict[str, str], tuple]:
    """(whole fixed module, changed files only, identities of the applied findings)."""
    module = read_module(directory, directory)
    outcome = fix_module(module, every_rule(), unsafe=True)
    files = _all_files(directory)
    files.update(outcome.texts)
    return files, dict(outcome.texts), tuple(f.identity for f in outcome.applied)


def _checkable(directory: Path) -> bool:
    return not (directory / ".not-terraform").exists()


@pytest.fixture(scope="module")
def validation(hcl_reference):
    # Every module, fixed (unchanged when no fix applies), validated in batches (see the harness).
    modules = {d.relative_to(ROOT).as_posix(): _fixed(d)[0] for d in MODULES if _checkable(d)}
    return hcl_reference.terraform_validate_many(modules)


@pytest.fixture(scope="module")
def parse_results(hcl_reference):
    changed = {}
    for d in MODULES:
        if _checkable(d):
            for path, text in _fixed(d)[1].items():
                if path.endswith(".tf"):
                    changed[f"{d.relative_to(ROOT).as_posix()}/{path}"] = text
    return hcl_reference.hashicorp_parse_errors(changed)


@pytest.fixture(scope="module")
def unformatted(hcl_reference):
    """Changed .tf files that `terraform fmt` would rewrite (one fmt run over a scratch tree)."""
    scratch = Path(tempfile.mkdtemp(prefix="tapfix-fmt-"))
    try:
        for d in MODULES:
            if not _checkable(d):
                continue
            for path, text in _fixed(d)[1].items():
                if path.endswith(".tf"):
                    target = scratch / d.relative_to(ROOT) / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text)
        done = subprocess.run(
            [
                shutil.which("terraform") or "terraform",
                "fmt",
                "-check",
                "-recursive",
                "-list=true",
                str(scratch),
            ],
            capture_output=True,
            text=True,
        )
        return {
            Path(line).resolve().relative_to(scratch.resolve()).as_posix() for line in done.stdout.split()
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _changed_modules() -> list[Path]:
    return [d for d in MODULES if _checkable(d) and _fixed(d)[1]]


# Only modules a fix changed are checked by HashiCorp's tools (validation costs ~1 s a module).
CHANGED = _changed_modules()
CHANGED_IDS = [p.relative_to(ROOT).as_posix() for p in CHANGED]


@pytest.mark.parametrize("directory", CHANGED, ids=CHANGED_IDS)
def test_fixed_module_parses_with_hashicorp_parser(directory, parse_results):
    rel = directory.relative_to(ROOT).as_posix()
    errors = {k: v for k, v in parse_results.items() if k.startswith(rel + "/") and v is not None}
    assert errors == {}


@pytest.mark.parametrize("directory", CHANGED, ids=CHANGED_IDS)
def test_fixed_module_passes_terraform_validate(directory, validation):
    result = validation[directory.relative_to(ROOT).as_posix()]
    assert result.errors == [], result.summary()


@pytest.mark.parametrize("directory", CHANGED, ids=CHANGED_IDS)
def test_fixed_files_are_terraform_fmt_clean(directory, unformatted):
    rel = directory.relative_to(ROOT).as_posix()
    assert sorted(p for p in unformatted if p.startswith(rel + "/")) == []


def _fixed_input(directory: Path) -> ModuleInput:
    files = _fixed(directory)[0]
    return ModuleInput(
        path=".",
        files={p: t.encode() for p, t in files.items() if p.endswith(".tf") and "/" not in p},
        neighbours={p for p in files if "/" not in p and not p.endswith(".tf")}
        | {p.name for p in directory.iterdir() if not p.name.endswith(".tf")},
    )


CHECKABLE = [d for d in MODULES if _checkable(d)]


@pytest.mark.parametrize("directory", CHECKABLE, ids=[p.relative_to(ROOT).as_posix() for p in CHECKABLE])
def test_in_process_check_and_terraform_validate_agree_on_the_fixed_module(directory, validation):
    result = validation[directory.relative_to(ROOT).as_posix()]
    found = sorted(problems(load(_fixed_input(directory)).module).values())
    assert (found == []) == result.ok, f"in process: {found}\nterraform: {result.summary()}"


@pytest.mark.parametrize("directory", MODULES, ids=IDS)
def test_rescan_after_fix_is_clean_for_applied_fixes_and_fixing_again_changes_nothing(directory):
    applied = _fixed(directory)[2]
    fixed_input = _fixed_input(directory)
    report = scan([fixed_input], every_rule(), jobs=1)
    assert [f.rule_id for f in report.findings if f.identity in set(applied)] == []
    assert fix_module(fixed_input, every_rule(), unsafe=True).texts == {}


def test_fixture_modules_and_the_example_are_terraform_fmt_clean(hcl_reference):
    # Fixes are checked for fmt-cleanliness, which only means something if the input was clean.
    done = subprocess.run(
        [
            shutil.which("terraform") or "terraform",
            "fmt",
            "-check",
            "-recursive",
            "-list=true",
            "tests/rules",
            "examples",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    unclean = [
        line for line in done.stdout.split() if not (ROOT / line).parent.joinpath(".not-terraform").exists()
    ]
    assert unclean == []
