"""What tapfix prints cannot speak to the GitHub Actions runner or drive a terminal.

The runner reads every line a step prints and runs it as a workflow command when it starts with
`::name ...::` (after whitespace) or holds `##[name]` anywhere (its older syntax), until a
`::stop-commands::<token>` line, which stops that until `::<token>::`. `runner_commands` below does
what actions/runner's ActionCommandManager does with a step's output, and the tests assert that no
command but tapfix's own is run, whatever the file names and values say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.command_line import main as tapfix
from bot.github.plan import PlannedFinding, PlannedFix, PlannedSuggestion
from bot.github.render import comment_body
from bot.markdown_text import cell_code, code, escape, html_text
from bot.terminal_text import command_data, emit, fenced, json_text, visible
from tests.github.conftest import run_action
from tests.github.tapfix_command_pr import MAIN, comment_event, default_branch, open_pr

# Commands the runner knows (Runner.Worker/ActionCommandManager.cs and its extensions).
REGISTERED = {
    "stop-commands", "add-mask", "add-matcher", "remove-matcher", "add-path", "set-env", "set-output",
    "save-state", "warning", "error", "notice", "debug", "group", "endgroup", "echo",
}  # fmt: skip
INJECTED_NAMES = [
    "x\n::warning title=INJ::injected\n.tf",
    "x\r::warning title=INJ::injected\r.tf",
    "\u00a0::add-mask::octocat.tf",
    "##[warning]injected.tf",
]


def _parse(line: str, registered: set[str]) -> tuple[str, str] | None:
    """(command, data) as the runner's ActionCommand.TryParseV2, then TryParse, read `line`."""
    stripped = line.lstrip()
    if stripped.startswith("::") and (end := stripped.find("::", 2)) >= 0:
        name = stripped[2:end].split(" ", 1)[0]
        if name.lower() in registered:
            return name.lower(), stripped[end + 2 :]
    if (start := line.find("##[")) >= 0 and (close := line.find("]", start)) >= 0:
        name = line[start + 3 : close].split(" ", 1)[0]
        if name.lower() in registered:
            return name.lower(), line[close + 1 :]
    return None


def runner_commands(output: str) -> list[tuple[str, str]]:
    """The workflow commands the runner would run for this output (stop-commands honoured)."""
    run: list[tuple[str, str]] = []
    token: str | None = None
    for line in re.split(r"\r\n|\r|\n", output):  # .NET's ReadLine ends a line at any of these
        registered = REGISTERED | ({token.lower()} if token else set())
        command = _parse(line, registered)
        if command is None:
            continue
        if token is not None:
            if command[0] == token.lower():
                token = None
            continue
        if command[0] == "stop-commands":
            token = command[1]
            continue
        run.append(command)
    return run


def test_the_runner_model_sees_commands_in_both_syntaxes_and_honours_stop_commands():
    assert runner_commands("a\n  ::warning title=x::y\nb ##[add-mask]z") == [
        ("warning", "y"),
        ("add-mask", "z"),
    ]
    assert runner_commands("::stop-commands::t1\n::error::x\n::t1::\n::notice::y") == [("notice", "y")]


# --- tapfix scan / fix -------------------------------------------------------------------------


BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "acme-logs-bucket"\n}\n'


def _hostile_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for i, name in enumerate(INJECTED_NAMES):
        (root / name).write_text(BUCKET.replace('"b"', f'"b{i}"'))
    # A label that would retitle the terminal (OSC) and clear the screen (CSI) if printed raw.
    (root / "labels.tf").write_text(
        'resource "aws_s3_bucket" "v\x1b]0;x\x07\x1b[2J" {\n  bucket = "acme-v"\n}\n'
    )
    return root


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif"])
def test_a_file_name_cannot_put_a_workflow_command_on_stdout_in_scan_output(
    tmp_path, capsys, monkeypatch, fmt
):
    root = _hostile_tree(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")

    tapfix(["scan", str(root), "--format", fmt])

    out = capsys.readouterr().out
    assert runner_commands(out) == []
    assert "injected" in out  # the findings are there, only inert
    if fmt in ("json", "sarif"):
        json.loads(out)  # the escapes keep it valid JSON


def test_the_text_output_shows_control_bidi_and_zero_width_characters_escaped(tmp_path, capsys):
    root = _hostile_tree(tmp_path)
    (root / "bidi\u202e.tf").write_text(
        'resource "aws_s3_bucket" "admin\u2066\u200d" {\n  bucket = "a-b-c"\n}\n'
    )

    tapfix(["scan", str(root), "--format", "text", "--select", "TAP201,TAP212"])

    out = capsys.readouterr().out
    assert re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", out) is None
    assert "x\\n::warning title=INJ::injected\\n.tf:1:1: TAP201" in out
    assert "x\\r::warning title=INJ::injected\\r.tf:1:1: TAP201" in out
    assert "bidi\\u202e.tf:1:1: TAP201 [high] aws_s3_bucket.admin\\u2066\\u200d has no versioning" in out
    assert "aws_s3_bucket.v\\x1b]0;x\\x07\\x1b[2J has no versioning" in out  # nothing for the terminal


def test_outside_the_actions_log_output_is_not_fenced(tmp_path, capsys, monkeypatch):
    root = _hostile_tree(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    tapfix(["scan", str(root)])
    assert "stop-commands" not in capsys.readouterr().out
    # Redirected to a file in a workflow (`> report.txt`), the runner does not read it.
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with open(tmp_path / "report.txt", "w") as file:
        emit("##[warning]x\n", file)
    assert (tmp_path / "report.txt").read_text() == "##[warning]x\n"


def test_fix_output_and_diffs_cannot_put_a_workflow_command_on_stdout(tmp_path, capsys, monkeypatch):
    root = _hostile_tree(tmp_path)
    (root / "content.tf").write_text(
        '# ::add-mask::octocat\nresource "aws_s3_bucket" "c" {\n  # ::warning::in a diff context line\n'
        '  bucket = "acme-content"\n}\n'
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "true")

    tapfix(["fix", str(root), "--diff", "--select", "TAP201"])
    tapfix(["fix", str(root), "--select", "TAP201"])

    captured = capsys.readouterr()
    assert "x\\n::warning title=INJ::injected\\n.tf" in captured.err + captured.out
    assert runner_commands(captured.out) == [] and runner_commands(captured.err) == []


def test_escaping_helpers_keep_the_text_readable_and_json_values_equal():
    assert visible("a\x1b[31mb\u202ec\u200d\n\t\U000e0041") == "a\\x1b[31mb\\u202ec\\u200d\\n\\t\\U000e0041"
    assert visible("modules/net/main.tf é ü 東京") == "modules/net/main.tf é ü 東京"
    value = {"path": "##[warning]a\u2066\x85.tf", "x": "\U000e0041"}
    text = json_text(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value and "##[" not in text and "\u2066" not in text
    assert command_data("100% sure\r\n::x") == "100%25 sure\\r\\n::x"
    assert fenced("plain\nlines\n") == "plain\nlines\n"  # nothing to fence: unchanged


# --- the Action ----------------------------------------------------------------------------------


def test_tapfix_command_log_cannot_run_a_command_from_a_symlink_name(github, tmp_path, capsys):
    fake = github.fake
    name = "infra/x\n::add-mask::octocat\n##[add-mask]octocat.tf"
    bucket = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
    open_pr(fake, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, name: bucket}, modes={name: "120000"})
    workspace = default_branch(tmp_path, {"infra/main.tf": MAIN})

    run = run_action(tmp_path, capsys, fake, workspace, comment_event(fake, "/tapfix"), "issue_comment")

    assert run.exit_code == 0
    assert "a symbolic link" in run.stdout and "x\\n::add-mask::octocat\\n" in run.stdout
    assert runner_commands(run.stdout) == [] and runner_commands(run.stderr) == []


def test_an_error_annotation_carries_the_message_escaped_as_github_documents(github, tmp_path, capsys):
    fake = github.fake
    workspace = default_branch(tmp_path, {})
    (workspace / ".tapfix.yml").write_text('fail-on: "high%0A::add-mask::x\\n::add-mask::y"\n')
    from tests.github.pr import pull_request_event

    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake), "pull_request")

    assert run.exit_code == 2
    [line] = run.stderr.splitlines()
    assert runner_commands(line) == [("error", line.split("::", 2)[2])]
    assert "%0A" not in line.replace("%250A", "")


# --- comments -------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200d", "\u200b", "\ufeff", "\x1b", "\u2028"])
def test_bidi_and_zero_width_characters_from_labels_and_paths_show_escaped_in_comments(char):
    label = f"admin{char}_bucket"
    escaped = f"admin{visible(char)}_bucket"
    for helper in (escape, code, cell_code, html_text):
        assert char not in helper(label) and escaped in helper(label).replace("\\_", "_")
    patch = f"--- a/s3.tf\n+++ b/s3.tf\n@@ -1 +1,2 @@\n x\n+# {label}\n"
    finding = PlannedFinding(
        path=f"infra/{label}.tf",
        fingerprint="0123456789abcdef",
        rule_id="TAP201",
        severity="high",
        line=1,
        end_line=1,
        resource=f"aws_s3_bucket.{label}",
        message=f"aws_s3_bucket.{label} has no versioning",
        status="new",
        fix=PlannedFix(
            applicability="safe",
            description=f"add versioning to {label}",
            suggestion=PlannedSuggestion(start_line=1, end_line=1, content=f"x\n# {label}"),
            patch=patch,
        ),
    )

    body = comment_body(finding, with_suggestion=True)

    assert char not in body
    # A suggestion is committed as written, so one holding the character is shown as the patch.
    assert "```suggestion" not in body and "hidden characters, shown escaped" in body
    assert f"+# {escaped}" in body


# --- SARIF --------------------------------------------------------------------------------------

# RFC 3986, appendix A: a relative-path reference is segments of pchar (unreserved, pct-encoded,
# sub-delims, ":" and "@"), and its first segment holds no ":" (it would read as a scheme).
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})"
_RELATIVE_PATH_REF = re.compile(rf"^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-F]{{2}})+(?:/{_PCHAR}*)*$")


@pytest.mark.parametrize("name", ["a#b %41?.tf", "c:x.tf", "100%.tf", "ünï cødé.tf", "sub/[x]&y=1.tf"])
def test_sarif_artifact_uris_are_percent_encoded_and_resolve_to_the_file(tmp_path, capsys, monkeypatch, name):
    from urllib.parse import unquote, urljoin, urlsplit

    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(BUCKET)
    monkeypatch.chdir(tmp_path)

    tapfix(["scan", ".", "--format", "sarif", "--select", "TAP201"])

    run = json.loads(capsys.readouterr().out)["runs"][0]
    [result] = run["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert _RELATIVE_PATH_REF.match(location["uri"]), location["uri"]
    assert unquote(location["uri"]) == name
    # What upload-sarif and code scanning do: resolve it against %SRCROOT% to the file.
    base = run["originalUriBaseIds"][location["uriBaseId"]]["uri"]
    resolved = urlsplit(urljoin(base, location["uri"]))
    assert (resolved.query, resolved.fragment) == ("", "")
    assert Path(unquote(resolved.path)) == tmp_path / name
    [change] = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == location["uri"]
