"""The `/tapfix` command line, and the patch it replies with (checked with `git apply`)."""

from __future__ import annotations

import subprocess

import pytest

from bot.tapfix_command.parse import Command, Kind, parse
from bot.tapfix_command.patch import git_patch


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/tapfix", Command(kind=Kind.FIX)),
        ("  /tapfix  \r\nthanks!", Command(kind=Kind.FIX)),
        ("/tapfix TAP201 tap211", Command(kind=Kind.FIX, rules=("TAP201", "TAP211"))),
        ("/tapfix TAP201,TAP211,TAP201", Command(kind=Kind.FIX, rules=("TAP201", "TAP211"))),
        ("/tapfix --unsafe", Command(kind=Kind.FIX, unsafe=True)),
        ("/tapfix diff", Command(kind=Kind.DIFF)),
        ("/tapfix TAP101 diff --unsafe", Command(kind=Kind.DIFF, rules=("TAP101",), unsafe=True)),
        ("/tapfix help", Command(kind=Kind.HELP)),
        ("/tapfix TAP201 help", Command(kind=Kind.HELP)),
        ("/tapfix fix", Command(kind=Kind.HELP, problem=("unknown sub-command", "fix"))),
        ("/tapfix TAP2O1", Command(kind=Kind.HELP, problem=("unknown sub-command", "TAP2O1"))),
        ("/tapfix TAP999", Command(kind=Kind.HELP, problem=("unknown rule", "TAP999"))),
        ("/tapfix -unsafe", Command(kind=Kind.HELP, problem=("unknown sub-command", "-unsafe"))),
    ],
)
def test_first_line_is_parsed(body, expected):
    assert parse(body) == expected


@pytest.mark.parametrize(
    "body",
    ["", None, "LGTM", "/tapfixes", "/TAPFIX", "please /tapfix", "> /tapfix", "thanks\n/tapfix"],
)
def test_only_a_first_line_starting_with_the_word_is_a_command(body):
    assert parse(body) is None


def test_command_text_is_what_tapfix_understood():
    assert parse("/tapfix tap211 --unsafe diff").text == "/tapfix diff TAP211 --unsafe"


def test_an_unknown_word_is_shortened_before_it_is_echoed():
    command = parse("/tapfix " + "x" * 500)
    assert command.problem is not None and len(command.problem[1]) == 60


def _apply(tmp_path, files: dict[str, bytes], patch: str) -> dict[str, bytes]:
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply"], cwd=tmp_path, input=patch.encode(), check=True)
    return {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*.tf")}


def test_patch_creates_files_keeps_crlf_and_handles_a_missing_final_newline(tmp_path):
    originals = {"a/crlf.tf": b"one\r\ntwo\r\n", "a/end.tf": b"x = 1", "a/new.tf": None}
    fixed = {"a/crlf.tf": b"one\r\nthree\r\ntwo\r\n", "a/end.tf": b"x = 1\ny = 2\n", "a/new.tf": b"z = 3\n"}

    patch = git_patch(fixed, originals)

    assert "diff --git a/a/new.tf b/a/new.tf\nnew file mode 100644\n--- /dev/null\n+++ b/a/new.tf\n" in patch
    assert "-x = 1\n\\ No newline at end of file\n+x = 1\n+y = 2\n" in patch
    written = _apply(tmp_path, {p: d for p, d in originals.items() if d is not None}, patch)
    assert written == fixed


def test_patch_too_long_for_a_comment_becomes_the_local_command():
    from bot.tapfix_command.fixes import FixSet, Item
    from bot.tapfix_command.reply import MAX_BODY, Where, as_patch

    big = "".join(f'locals {{\n  v{i} = "{"x" * 80}"\n}}\n' for i in range(1000)).encode()
    fixes = FixSet(
        files={"m/a.tf": big}, originals={"m/a.tf": None}, fixed=[Item("TAP201", "r", "m/a.tf", 1)]
    )
    command = parse("/tapfix diff TAP201 --unsafe")
    where = Where("https://github.com", "o/r", "feature", "a" * 40)

    body = as_patch("<!-- m -->", command, fixes, where, git_patch(fixes.files, fixes.originals), "", False)

    assert len(body) < MAX_BODY
    assert "```diff" not in body
    assert "does not fit in a comment" in body
    assert "run `tapfix fix --unsafe-fixes --select TAP201` on the changed files instead." in body
