"""Hostile and malformed HCL never produces a traceback or a hang, every input yields findings or a
located TAP000, and fixing is idempotent and removes what it fixed.

Property tests mutate the real fixture modules (tests/rules/TAP*/*/) with the mutations and
invariants in hostile.py; benchmarks/soak_hcl.py runs the same for minutes instead of seconds.
The example counts keep this file under ~30 s of CPU on a loaded 2-core runner.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixers.config import Config
from fixers.engine import fix_module
from fixers.hcl.source import MAX_FILE_BYTES
from fixers.workspace import ModuleInput
from tests.hardening.hostile import (
    MUTATIONS,
    Violation,
    check_fix,
    check_scan,
    fixture_modules,
    load,
    mutated,
)

MODULES = [load(d) for d in fixture_modules()]
SINGLE_FILES = [data for m in MODULES for data in m.files.values()]
CONFIG = Config()
RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}

module = st.sampled_from(MODULES)


def scan_bytes(data: bytes):
    return check_scan(ModuleInput(path=".", files={"main.tf": data}))


def bounded(fn, *args, seconds: float = 20):
    """Run `fn`; an input that needs more CPU than `seconds` counts as a hang."""
    start = time.process_time()
    result = fn(*args)
    spent = time.process_time() - start
    if spent > seconds:
        raise Violation(f"took {spent:.1f} s of CPU")
    return result


@settings(max_examples=500, **RELAXED)
@given(module, st.sampled_from(MUTATIONS), st.randoms(use_true_random=False))
def test_mutated_fixture_modules_give_findings_or_located_tap000(source, kind, rng):
    mutant, _ = mutated(rng, source, kind)
    bounded(check_scan, mutant)


@settings(max_examples=120, **RELAXED)
@given(
    module,
    st.sampled_from(("splice", "duplicate", "delete", "line_endings")),
    st.randoms(use_true_random=False),
)
def test_fixing_a_parsable_mutant_is_idempotent_and_removes_what_it_fixed(source, kind, rng):
    mutant, _ = mutated(rng, source, kind)
    report = bounded(check_scan, mutant)
    if report.errors:
        return  # not parsable: nothing to fix, and check_scan has checked the errors
    bounded(check_fix, mutant, seconds=60)


@settings(max_examples=60, **RELAXED)
@given(st.sampled_from(SINGLE_FILES), st.data())
def test_truncation_anywhere_gives_findings_or_a_located_parse_error(text, data):
    bounded(scan_bytes, text[: data.draw(st.integers(0, len(text)))])


@settings(max_examples=25, **RELAXED)
@given(st.sampled_from(SINGLE_FILES), st.booleans(), st.booleans())
def test_crlf_and_bom_variants_scan_like_the_original(text, crlf, bom):
    variant = text.replace(b"\n", b"\r\n") if crlf else text
    variant = (b"\xef\xbb\xbf" + variant) if bom else variant
    original = scan_bytes(text)
    changed = scan_bytes(variant)
    assert [(f.rule_id, f.line, f.resource) for f in changed.findings] == [
        (f.rule_id, f.line, f.resource) for f in original.findings
    ]


@settings(max_examples=20, **RELAXED)
@given(st.sampled_from(SINGLE_FILES), st.booleans(), st.booleans())
def test_fix_is_idempotent_and_keeps_bom_and_line_endings(text, crlf, bom):
    variant = text.replace(b"\n", b"\r\n") if crlf else text
    variant = (b"\xef\xbb\xbf" + variant) if bom else variant
    first = fix_module(ModuleInput(path=".", files={"main.tf": variant}), CONFIG, unsafe=True)
    if "main.tf" not in first.texts:
        return
    fixed = first.encoded("main.tf")
    assert fixed.startswith(b"\xef\xbb\xbf") == bom
    if crlf:
        assert b"\n" not in fixed.replace(b"\r\n", b"")
    check_fix(ModuleInput(path=".", files={"main.tf": variant}))


def test_one_fixture_truncated_at_every_byte():
    # The soak truncates every fixture at every byte; here one module, every byte, to keep the
    # guarantee in the default run too.
    source = next(m for m in MODULES if len(m.files) == 1 and 300 < len(next(iter(m.files.values()))) < 700)
    (path, data) = next(iter(source.files.items()))
    for cut in range(len(data) + 1):
        check_scan(ModuleInput(path=".", files={path: data[:cut]}))


DEEP = {
    "brackets": "[" * 1000 + "]" * 1000,
    "parentheses": "(" * 1000 + "1" + ")" * 1000,
    "objects": "{a = " * 1000 + "1" + "}" * 1000,
    "calls": "max(" * 1000 + "1" + ")" * 1000,
    "templates": '"${' * 500 + "1" + '}"' * 500,
    "conditionals": "true ? " * 1000 + "1" + " : 2" * 1000,
    "attributes": "a" + ".b" * 5000,
    "indexes": "a" + "[0]" * 5000,
    "for": "[for a in " * 300 + "[1]" + " : a]" * 300,
}


@pytest.mark.parametrize("expression", DEEP.values(), ids=DEEP.keys())
def test_a_thousand_deep_expression_is_a_located_error_or_fine_never_a_recursion_crash(expression):
    bounded(
        scan_bytes,
        f'locals {{\n  x = {expression}\n}}\n\nresource "aws_s3_bucket" "b" {{\n  bucket = local.x\n}}\n'.encode(),
    )


def test_a_thousand_nested_blocks_is_a_located_error():
    report = scan_bytes(b'resource "aws_s3_bucket" "x" {\n' + b"a {\n" * 1000 + b"}\n" * 1000 + b"}\n")
    assert [e.line for e in report.errors] == [101]


def test_ten_megabyte_string_is_refused_with_a_clear_message():
    report = scan_bytes(b'locals {\n  x = "' + b"a" * (10 * 1024 * 1024) + b'"\n}\n')
    assert [e.message.split(";")[0] for e in report.errors] == ["file is 10.0 MiB"]


def test_a_fifty_megabyte_file_is_refused_quickly_and_the_rest_of_the_module_scanned():
    big = b"# generated\n" * (50 * 1024 * 1024 // 12)
    assert len(big) > 12 * MAX_FILE_BYTES
    module = ModuleInput(
        path=".",
        files={"generated.tf": big, "main.tf": b'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'},
    )
    report = bounded(check_scan, module, seconds=5)
    assert [(e.path, e.message.split(";")[0]) for e in report.errors] == [
        ("generated.tf", "file is 50.0 MiB")
    ]
    assert {"TAP201", "TAP202"} <= {f.rule_id for f in report.findings if f.path == "main.tf"}


def test_a_hundred_thousand_line_file_is_scanned_in_linear_time():
    lines = 100_000
    text = "".join(f"# line {i}\n" if i % 3 else "\n" for i in range(lines))
    text += 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
    report = bounded(scan_bytes, text.encode(), seconds=30)
    assert {(f.rule_id, f.line) for f in report.findings if f.rule_id in ("TAP201", "TAP202")} == {
        ("TAP201", lines + 1),
        ("TAP202", lines + 1),
    }


def test_nul_bytes_and_utf16_are_reported_as_binary():
    report = scan_bytes('variable "x" {}\n'.encode("utf-16"))
    assert "NUL byte" in report.errors[0].message


def test_non_utf8_is_located():
    report = scan_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    assert (report.errors[0].line, report.errors[0].column) == (2, 11)
    assert "not valid UTF-8" in report.errors[0].message


def test_hostile_values_reach_every_output_format(tmp_path, capsys):
    # A `\ud800` escape became a lone surrogate in a message, and every format failed to encode it.
    from bot.command_line import main

    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "Bad\\ud800Name"\n}\n\n'
        'resource "aws_elasticache_replication_group" "r" {\n'
        '  replication_group_id = "`@team` <b>#1</b> ```"\n}\n'
    )
    for output in ("text", "json", "sarif", "markdown"):
        code = main(["scan", str(tmp_path), "--format", output])
        out = capsys.readouterr().out
        assert code == 1, output
        out.encode("utf-8")
        assert "aws_s3_bucket.b" in out


def test_random_hcl_punctuation_never_crashes():
    rng = random.Random(7)
    alphabet = b'{}[]()"=$%<>-#/*\n\r\t :,.?!&|~0123456789abcdefEOF'
    for _ in range(300):
        scan_bytes(bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 200))))
