"""Files tapfix cannot use become a located TAP000 finding, never a traceback, and the rest of the module
is still scanned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.command_line import main
from fixers.hcl.source import MAX_FILE_BYTES

GOOD = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
ONLY = ["--select", "TAP000,TAP201"]


def scan(capsys, directory: Path, *extra: str) -> tuple[int, dict]:
    code = main(["scan", str(directory), "--format", "json", *ONLY, *extra])
    return code, json.loads(capsys.readouterr().out)


def tap000(report: dict) -> list[tuple[str, int, int, str]]:
    return [
        (f["path"], f["line"], f["column"], f["message"])
        for f in report["findings"]
        if f["rule_id"] == "TAP000"
    ]


def with_good_file(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "data", "line", "column", "problem"),
    [
        (
            "unparsable.tf",
            b'resource "aws_s3_bucket" "x" {\n  bucket = \n}\n',
            2,
            12,  # the line break after `bucket = `
            "unexpected line break, expected an expression",
        ),
        (
            "binary.tf",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            3,
            1,
            "file contains a NUL byte: binary, or UTF-16 encoded (save it as UTF-8)",
        ),
        (
            "utf16.tf",
            "locals {\n  a = 1\n}\n".encode("utf-16"),
            1,
            1,
            "file contains a NUL byte: binary, or UTF-16 encoded (save it as UTF-8)",
        ),
        (
            "latin1.tf",
            'locals {\n  city = "Düsseldorf café"\n}\n'.encode("latin-1"),
            2,
            12,
            "not valid UTF-8 (byte 0xfc); Terraform reads only UTF-8",
        ),
        (
            "non_ascii_identifier.tf",
            "locals {\n  naïve = 1\n}\n".encode(),
            2,
            5,
            "unexpected character 'ï': python-hcl2 reads only ASCII identifiers",
        ),
    ],
)
def test_a_file_tapfix_cannot_use_is_a_located_tap000_and_the_module_is_still_scanned(
    tmp_path, capsys, name, data, line, column, problem
):
    code, report = scan(capsys, with_good_file(tmp_path, name, data))
    assert tap000(report) == [(name, line, column, f"{name} cannot be parsed: {problem}")]
    kind = "unreadable" if name in ("binary.tf", "utf16.tf", "latin1.tf") else "parse"
    assert report["errors"] == [
        {"path": name, "line": line, "column": column, "message": problem, "kind": kind, "rule_id": None}
    ]
    assert [f["resource"] for f in report["findings"] if f["rule_id"] == "TAP201"] == ["aws_s3_bucket.logs"]
    assert code == 1


def test_a_file_over_the_size_limit_is_reported_not_read(tmp_path, capsys):
    huge = b"# generated\n" * (5 * 1024 * 1024 // 12)  # ~5 MiB of valid HCL
    assert len(huge) > MAX_FILE_BYTES
    code, report = scan(capsys, with_good_file(tmp_path, "huge.tf", huge))
    assert tap000(report) == [
        (
            "huge.tf",
            1,
            1,
            "huge.tf cannot be parsed: file is 5.0 MiB; tapfix reads .tf files up to 4 MiB "
            "(generated files should not be scanned)",
        )
    ]
    assert code == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"# only a comment\n", b"\xef\xbb\xbf", b"  \r\n\t\r\n"],
    ids=["empty", "blank-lines", "comment-only", "bom-only", "whitespace-crlf"],
)
def test_empty_and_comment_only_files_are_valid_terraform(tmp_path, capsys, content):
    code, report = scan(capsys, with_good_file(tmp_path, "empty.tf", content))
    assert tap000(report) == [] and report["errors"] == []
    assert code == 1  # the TAP201 in good.tf


def test_a_bom_and_crlf_file_parses(tmp_path, capsys):
    _code, report = scan(
        capsys,
        with_good_file(
            tmp_path, "bom.tf", ("\ufeff" + GOOD.replace("logs", "data")).replace("\n", "\r\n").encode()
        ),
    )
    assert tap000(report) == []
    assert sorted(f["resource"] for f in report["findings"]) == ["aws_s3_bucket.data", "aws_s3_bucket.logs"]


def test_deep_nesting_does_not_crash(tmp_path, capsys):
    deep = "locals {\n  x = " + "[" * 5000 + "]" * 5000 + "\n}\n"
    code, report = scan(capsys, with_good_file(tmp_path, "deep.tf", deep.encode()))
    assert [f["resource"] for f in report["findings"] if f["rule_id"] == "TAP201"] == ["aws_s3_bucket.logs"]
    assert code == 1


def test_directories_and_dangling_links_named_tf_are_not_files(tmp_path, capsys):
    (tmp_path / "dir.tf").mkdir()
    (tmp_path / "dangling.tf").symlink_to(tmp_path / "nowhere.tf")
    _code, report = scan(capsys, with_good_file(tmp_path, "other.tf", b""))
    assert (tap000(report), report["errors"], report["files"]) == ([], [], 2)


def test_scanning_one_file_reports_only_its_own_read_errors(tmp_path, capsys):
    with_good_file(tmp_path, "binary.tf", b"\x00\x01")
    code = main(["scan", str(tmp_path / "good.tf"), "--format", "json", *ONLY])
    report = json.loads(capsys.readouterr().out)
    assert (tap000(report), report["errors"]) == ([], [])
    assert code == 1


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        (
            "notes.txt",
            b"not terraform",
            "not a file tapfix can scan: it reads .tf files (each with its whole module), directories, "
            "and plan JSON from `terraform show -json`",
        ),
        (
            "tfplan",
            b"PK\x03\x04binary plan",
            "a binary plan (`terraform plan -out`): scan its JSON instead, "
            "`terraform show -json FILE > plan.json && tapfix scan plan.json`",
        ),
        (
            "production.tfvars",
            b'environment = "production"\n',
            "variable values are read with their module: scan the module's folder (or one of its .tf files)",
        ),
        (
            "main.tf.json",
            b'{"resource": {}}',
            "Terraform's JSON syntax (.tf.json) is not supported: tapfix reads .tf files",
        ),
    ],
)
def test_a_file_named_on_the_command_line_that_tapfix_cannot_scan_is_an_error(tmp_path, name, data, why):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "main.tf").write_text(GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "bot.command_line", "scan", name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"tapfix: error: {name}: {why}\n")


def test_a_tf_json_file_in_a_module_is_reported_where_it_is_not_skipped(tmp_path):
    (tmp_path / "main.tf").write_text(GOOD)
    (tmp_path / "generated.tf.json").write_text('{"resource": {"aws_s3_bucket": {"x": {}}}}\n')
    (tmp_path / "only-json").mkdir()
    (tmp_path / "only-json" / "main.tf.json").write_text("{}\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot.command_line", "scan", ".", "--format", "json", "--select", "TAP000"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["rule_id"]) for f in report["findings"]] == [
        ("generated.tf.json", 1, "TAP000"),
        ("only-json/main.tf.json", 1, "TAP000"),
    ]
    assert "does not read Terraform's JSON syntax (.tf.json)" in report["findings"][0]["message"]
    assert result.returncode == 1  # not a tool failure (2): the file is named and located


def test_every_kind_of_bad_file_at_once_gives_no_traceback_in_a_real_process(tmp_path):
    files = {
        "unparsable.tf": b'resource "x" "y" {\n',
        "binary.tf": bytes(range(256)),
        "latin1.tf": 'locals { a = "é" }\n'.encode("latin-1"),
        "empty.tf": b"",
        "huge.tf": b"#" * (MAX_FILE_BYTES + 1),
        "good.tf": GOOD.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k != "TAPFIX_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.command_line", "scan", str(tmp_path), *ONLY],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.stderr == ""
    assert result.returncode == 1
    assert sorted(line.split(":")[0] for line in result.stdout.splitlines() if " TAP000 " in line) == [
        str(tmp_path / n) for n in ("binary.tf", "huge.tf", "latin1.tf", "unparsable.tf")
    ]
