"""Hostile HCL: mutations of the real fixture modules, and the invariants every scan and every fix
must keep on them. Shared by the property tests (test_hostile_hcl.py) and the long soak
(benchmarks/soak_hcl.py), so both check the same thing.

A mutation takes a `random.Random` (hypothesis's `st.randoms()` gives one that shrinks) and returns
new bytes; the invariants raise `Violation` with what broke.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from fixers.config import Config
from fixers.engine import FixOutcome, ScanReport, fix_module, scan
from fixers.hcl.source import UnreadableFile, decode
from fixers.workspace import ModuleInput, read_module

RULES_DIR = Path(__file__).parents[1] / "rules"
CONFIG = Config()


def fixture_modules() -> list[Path]:
    return sorted({p.parent for p in RULES_DIR.glob("TAP*/*/*.tf")})


def load(directory: Path) -> ModuleInput:
    return read_module(directory, directory)


# Snippets that have broken parsers, models or evaluators before, or that a hostile pull request
# would try: heredoc and template fragments, label-less blocks, deep brackets, suppressions, values
# that blow up, text for Markdown and HTML, and bytes that are not text.
FRAGMENTS: tuple[bytes, ...] = (
    b"<<EOF\n",
    b"\nEOF\n",
    b"<<-EOT\n    indented\n  EOT\n",
    b"\n" * 300,
    b"${",
    b"}",
    b"%{ if true }",
    b"%{ endif }",
    b"$${escaped}",
    b"\nresource {}\n",
    b'\nresource "aws_s3_bucket" {}\n',
    b'\ndata "a" "b" "c" {}\n',
    b"\ndynamic {}\n",
    b'\ndynamic "ingress" {\n  for_each = [1]\n  content {}\n}\n',
    b"[" * 300,
    b"]" * 300,
    b"(" * 300,
    b"{\n" * 120,
    b"}\n" * 120,
    b"\n# tapfix:ignore TAP201\n",
    b"\n# tapfix:ignore all a reason\n",
    b"\n// tapfix:ignore TAP2O1 typo\n",
    b"/*",
    b"*/",
    b"#",
    b"\r",
    b"\r\n",
    b"\t",
    b"\xef\xbb\xbf",
    b"\xc3\xa9",
    b"\xe2\x80\xae",
    b"\xf0\x9f\x92\xa9",
    b"\n  count = 1e300 * 1e300\n",
    b"\n  count = -1\n",
    b"\n  count = 100000000000\n",
    b'\n  for_each = toset(["a", "a", "b"])\n',
    b'\n  bucket = replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a+)+$/", "")\n',
    b'\n  name = format("%999999999d", 1)\n',
    b"\n  x = range(100000000)\n",
    b'\n  x = cidrsubnet("::/0", 120, 0)\n',
    b'\n  bucket = "\\ud800"\n',
    b'\n  tags = { "`@team` <b>#1</b> ```" = "<!-- tapfix:v1 fp=0123456789abcdef -->" }\n',
    b"\nlocals {\n  a = local.b\n  b = local.a\n}\n",
    b'\nresource "aws_s3_bucket" "logs" {\n}\n',
    b'provider::aws::arn_parse("arn:aws:s3:::x")',
    b"\x00",
    b"\xff",
    b"= = =",
    b"...",
    b"[*]",
    b".*",
    b" ? : ",
)

MUTATIONS = ("truncate", "flip", "splice", "delete", "duplicate", "line_endings", "non_utf8", "nul")


def mutate(rng: random.Random, data: bytes, kind: str) -> bytes:
    if kind == "truncate":
        return data[: rng.randint(0, len(data))]
    if kind == "flip":
        raw = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    if kind == "splice":
        out = data
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(out))
            out = out[:at] + rng.choice(FRAGMENTS) + out[at:]
        return out
    if kind == "delete":
        start = rng.randint(0, len(data))
        return data[:start] + data[start + rng.randint(1, 200) :]
    if kind == "duplicate":
        start = rng.randint(0, len(data))
        end = min(len(data), start + rng.randint(1, 400))
        return data[:end] + data[start:end] + data[end:]
    if kind == "line_endings":
        variant = data.replace(b"\n", b"\r\n") if rng.random() < 0.7 else data.replace(b"\n", b"\r")
        return (b"\xef\xbb\xbf" + variant) if rng.random() < 0.5 else variant
    if kind == "non_utf8":
        at = rng.randint(0, len(data))
        return data[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9", b"\x80"]) + data[at:]
    if kind == "nul":
        at = rng.randint(0, len(data))
        return data[:at] + b"\x00" + data[at:]
    raise ValueError(kind)


def mutated(rng: random.Random, module: ModuleInput, kind: str) -> tuple[ModuleInput, str]:
    """`module` with one of its `.tf` files mutated; returns the new input and that file's path."""
    target = rng.choice(sorted(module.files))
    files = dict(module.files)
    files[target] = mutate(rng, files[target], kind)
    return _with_files(module, files), target


def _with_files(module: ModuleInput, files: dict[str, bytes]) -> ModuleInput:
    return ModuleInput(
        path=module.path,
        files=files,
        tfvars=dict(module.tfvars),
        neighbours=set(module.neighbours),
        unreadable=dict(module.unreadable),
    )


class Violation(AssertionError):
    pass


def _line_counts(module: ModuleInput) -> dict[str, int]:
    counts = {}
    for path, data in module.files.items():
        try:
            counts[path] = decode(path, data).line_count
        except UnreadableFile:
            counts[path] = data.count(b"\n") + 1
    return counts


def check_scan(module: ModuleInput) -> ScanReport:
    """No traceback (the caller sees it), no failure of tapfix itself, every error located in a file
    and reported as a TAP000 at its line, every finding inside its file."""
    report = scan([module], CONFIG, jobs=1)
    lines = _line_counts(module)
    for error in report.errors:
        if error.path not in module.files:
            raise Violation(f"not a file error (a rule crashed or ran out of time): {error.message}")
        if not 1 <= error.line <= lines[error.path] or error.column < 1:
            raise Violation(f"error outside its file: {error}")
    reported = {(f.path, f.line) for f in report.findings if f.rule_id == "TAP000"}
    for error in report.errors:
        if (error.path, error.line) not in reported:
            raise Violation(f"error without a TAP000 at its line: {error}")
    for finding in report.findings:
        if finding.path in lines and not 1 <= finding.line <= finding.end_line <= lines[finding.path]:
            raise Violation(f"finding outside its file: {finding.rule_id} {finding.path}:{finding.line}")
    return report


@dataclass
class FixCheck:
    outcome: FixOutcome
    fixed: ModuleInput


def check_fix(module: ModuleInput) -> FixCheck:
    """For a module that parses: the fixed files parse, fixing them again changes nothing, and a
    rescan shows none of the findings whose fixes were applied."""
    first = fix_module(module, CONFIG, unsafe=True)
    files = dict(module.files)
    neighbours = set(module.neighbours)
    for path in first.texts:
        if path.endswith(".tf"):
            files[path] = first.encoded(path)
        else:
            neighbours.add(path.rsplit("/", 1)[-1])
    fixed = _with_files(module, files)
    fixed.neighbours = neighbours
    rescan = check_scan(fixed)
    broken = [e for e in rescan.errors if e.path in first.texts]
    if broken:
        raise Violation(f"a fix left {broken[0].path} unparsable: {broken[0].message}")
    applied = {f.identity for f in first.applied}
    remaining = [f for f in rescan.findings if f.identity in applied]
    if remaining:
        raise Violation(f"applied fix left its finding: {remaining[0].rule_id} {remaining[0].resource}")
    second = fix_module(fixed, CONFIG, unsafe=True)
    if second.texts:
        raise Violation(f"fix not idempotent: a second run changed {sorted(second.texts)}")
    return FixCheck(first, fixed)
