"""Crashes the fuzzing found (tests/hardening/hostile.py, benchmarks/soak_hcl.py) that are not about
limits, each named after what it was. The limits and their regressions are in test_limits.py."""

from __future__ import annotations

from fixers.config import Config
from fixers.engine import scan
from fixers.workspace import ModuleInput


def test_two_outputs_with_one_name_do_not_crash_the_readme_rule():
    # TAP505's README table sorted (name, Block) pairs: a duplicated output compared two Blocks.
    text = b'output "id" {\n  value = 1\n}\n\noutput "id" {\n  value = 2\n}\n'
    report = scan(
        [ModuleInput(path=".", files={"outputs.tf": text})], Config(extend_select=["TAP505"]), jobs=1
    )
    assert report.errors == []
    (readme,) = [f for f in report.findings if f.rule_id == "TAP505"]
    assert readme.fix is not None and "| id |" in readme.fix.edits[0].new_text


def test_old_mac_line_ends_are_a_located_tap000_not_an_index_error():
    # python-hcl2 skips a lone carriage return as a space, so the file became one line and TAP101's
    # fix asked for the line after it: IndexError. Terraform calls it an invalid character.
    text = b'resource "aws_s3_bucket" "b" {\r  bucket = "b"\r}\r'
    report = scan([ModuleInput(path=".", files={"main.tf": text})], Config(), jobs=1)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (1, 31, "a carriage return without a line feed (old Mac line ends): Terraform reads LF or CRLF")
    ]


def test_a_lone_carriage_return_inside_a_comment_is_accepted_as_terraform_does():
    text = b'# notes\r more notes\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
    report = scan([ModuleInput(path=".", files={"main.tf": text})], Config(), jobs=1)
    assert report.errors == []
    assert "TAP201" in {f.rule_id for f in report.findings}
