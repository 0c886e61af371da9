"""Hostile and malformed HCL never produces a traceback or a hang, and fixing is idempotent.

Property tests mutate real fixture modules; the longer soak lives in benchmarks/soak_hcl.py.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixers.config import Config
from fixers.engine import fix_module, scan
from fixers.workspace import ModuleInput

SEEDS = sorted(Path(__file__).parents[1].glob("rules/TAP*/*/*.tf"))
SEED_TEXTS = [p.read_bytes() for p in SEEDS[:80]]
CONFIG = Config()


def scan_bytes(data: bytes):
    report = scan([ModuleInput(path=".", files={"main.tf": data})], CONFIG, jobs=1)
    return report


def assert_located_or_clean(data: bytes) -> None:
    report = scan_bytes(data)
    parse_errors = [f for f in report.findings if f.rule_id == "TAP000"]
    # Either it parsed (no errors), or there is exactly one located TAP000 for the file.
    assert len(parse_errors) == len(report.errors) <= 1
    for f in parse_errors:
        assert f.path == "main.tf" and f.line >= 1 and f.column >= 1
    for e in report.errors:
        assert e.message and "Traceback" not in e.message


seed = st.sampled_from(SEED_TEXTS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed, st.data())
def test_truncation_anywhere_gives_findings_or_a_located_parse_error(text, data):
    cut = data.draw(st.integers(0, len(text)))
    assert_located_or_clean(text[:cut])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed, st.data())
def test_random_byte_flips_never_crash(text, data):
    raw = bytearray(text)
    for _ in range(data.draw(st.integers(1, 4))):
        if raw:
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    assert_located_or_clean(bytes(raw))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed, st.booleans(), st.booleans())
def test_crlf_and_bom_variants_scan_like_the_original(text, crlf, bom):
    variant = text.replace(b"\n", b"\r\n") if crlf else text
    variant = (b"\xef\xbb\xbf" + variant) if bom else variant
    original = scan_bytes(text)
    changed = scan_bytes(variant)
    assert [(f.rule_id, f.line, f.resource) for f in changed.findings] == [
        (f.rule_id, f.line, f.resource) for f in original.findings
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed, st.booleans(), st.booleans())
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
    # Files the first run created (a README, a template) are in the directory the second time.
    created = {p.split("/")[0] for p in first.texts if p != "main.tf"}
    again = ModuleInput(path=".", files={"main.tf": fixed}, neighbours=created)
    second = fix_module(again, CONFIG, unsafe=True)
    assert second.texts == {}
    rescan = scan([again], CONFIG, jobs=1)
    applied = {f.identity for f in first.applied}
    assert not [f for f in rescan.findings if f.identity in applied]


def test_deep_nesting_is_a_located_error_not_a_recursion_crash():
    assert_located_or_clean(b"locals {\n  x = " + b"[" * 1000 + b"]" * 1000 + b"\n}\n")
    assert_located_or_clean(b"locals {\n  x = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n}\n")


def test_ten_megabyte_string_is_refused_with_a_clear_message():
    report = scan_bytes(b'locals {\n  x = "' + b"a" * (10 * 1024 * 1024) + b'"\n}\n')
    assert [e.message.split(";")[0] for e in report.errors] == ["file is 10.0 MiB"]


def test_nul_bytes_and_utf16_are_reported_as_binary():
    report = scan_bytes('variable "x" {}\n'.encode("utf-16"))
    assert "NUL byte" in report.errors[0].message


def test_non_utf8_is_located():
    report = scan_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    assert (report.errors[0].line, report.errors[0].column) == (2, 11)
    assert "not valid UTF-8" in report.errors[0].message
