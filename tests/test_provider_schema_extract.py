"""fixers/aws_schema.json, the provider schema fix verification checks arguments and blocks against:
it covers every type a fix writes, and it is what scripts/extract_provider_schema.py makes from the
provider mirror (so a rule that starts naming a new type cannot leave it out)."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

from fixers.config import Config
from fixers.engine import apply_fix_texts, load, run_rules
from fixers.hcl.source import SourceText
from fixers.model import blocks_of_file
from fixers.module import parse_file
from fixers.terraform_check import covered, schema
from fixers.workspace import read_module

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    *sorted(p for p in (ROOT / "tests" / "rules").glob("TAP*/*") if p.is_dir()),
    ROOT / "examples" / "aws-stack",
]


def _blocks_written(loaded, fix) -> set[tuple[str, str, str]]:
    """(kind, type, address) of every AWS resource or data source whose text the fix creates or changes."""
    before = {b.address: b.file.text[b.start : b.end] for b in loaded.module.blocks}
    texts = apply_fix_texts(loaded, fix.edits)
    written = set()
    for path, text in texts.items():
        if not path.endswith(".tf"):
            continue
        parsed = parse_file(SourceText(path=path, text=text))
        if parsed.tree is None:
            continue
        for block in blocks_of_file(parsed.source, parsed.tree):
            aws = block.type in ("resource", "data") and block.resource_type.startswith("aws_")
            if aws and before.get(block.address) != text[block.start : block.end]:
                written.add((block.type, block.resource_type, block.address))
    return written


@cache
def _written_types() -> dict[tuple[str, str], str]:
    """(kind, type) -> an example "fixture: rule address" for every AWS type a fix of a fixture writes."""
    found: dict[tuple[str, str], str] = {}
    for directory in MODULES:
        if (directory / ".not-terraform").exists():
            continue
        loaded = load(read_module(directory, directory))
        for finding in run_rules(loaded.module, Config())[0]:
            if finding.fix is None:
                continue
            for kind, type_name, address in _blocks_written(loaded, finding.fix):
                found.setdefault(
                    (kind, type_name), f"{directory.relative_to(ROOT)}: {finding.rule_id} {address}"
                )
    return found


def test_fixes_of_the_fixtures_write_many_aws_types():
    # The check below means something only if it sees what fixes write: new companions and edited blocks.
    written = {t for _, t in _written_types()}
    assert {
        "aws_s3_bucket_versioning",
        "aws_flow_log",
        "aws_iam_role",
        "aws_db_instance",
        "aws_lb",
    } <= written


def test_every_aws_type_a_fix_writes_has_its_arguments_and_blocks_in_the_extract():
    missing = {
        f"{kind} {t}": example for (kind, t), example in _written_types().items() if not covered(kind, t)
    }
    assert missing == {}, "run scripts/extract_provider_schema.py after naming the type in the rule"


def test_the_extract_names_its_provider_version_and_every_type():
    data = schema()
    assert data["provider"] == "registry.terraform.io/hashicorp/aws"
    assert data["provider_version"] == "5.100.0"
    assert len(data["resource_type_names"]) > 1400 and "aws_s3_bucket" in data["resource_type_names"]
    assert "aws_iam_policy_document" in data["data_source_type_names"]
    assert data["resources"]["aws_s3_bucket_versioning"]["blocks"]["versioning_configuration"] == {
        "attributes": {"mfa_delete": "optional", "status": "required"},
        "max": 1,
        "min": 1,
        "nesting": "list",
    }


def test_the_extract_is_what_the_script_makes_from_the_provider_mirror(tmp_path, hcl_reference):
    # (hcl_reference: the mirror and terraform are there, or the test says what is missing)
    out = tmp_path / "aws_schema.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "extract_provider_schema.py"), "--output", str(out)],
        check=True,
        capture_output=True,
    )
    shipped = json.loads((ROOT / "fixers" / "aws_schema.json").read_text())
    assert json.loads(out.read_text()) == shipped
