"""A malformed or unexpected event, a missing token or a bad input: one line, exit code 2."""

from __future__ import annotations

import json

import pytest

from bot.action_main import main
from tests.github.conftest import action_env
from tests.github.fake_github import FakeGitHub
from tests.github.pr import WEBHOOKS, pull_request_event

_ISSUE_COMMENT = json.loads((WEBHOOKS / "issue_comment.created.json").read_text())


def _run(tmp_path, capsys, event, event_name="pull_request", **overrides):
    fake = FakeGitHub()
    env = action_env(tmp_path, fake, tmp_path, event, event_name, {})
    env.update(overrides)
    code = main([], {k: v for k, v in env.items() if v is not None})
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("event_name", "event", "overrides", "message"),
    [
        ("release", {"action": "published"}, {}, "event 'release' is not handled"),
        (
            "pull_request",
            {"action": "opened"},
            {},
            "not a valid 'pull_request' event payload: pull_request: Field required",
        ),
        ("pull_request", "PR", {}, None),
        ("pull_request", None, {"INPUT_GITHUB-TOKEN": None, "GITHUB_TOKEN": None}, "no GitHub token"),
        ("pull_request", None, {"INPUT_FAIL-ON": "severe"}, "input 'fail-on' = 'severe'"),
        ("pull_request", None, {"INPUT_COMMENT-MODE": "loud"}, "input 'comment-mode' = 'loud'"),
        ("pull_request", None, {"INPUT_MAX-COMMENTS": "lots"}, "input 'max-comments' = 'lots'"),
        ("pull_request", None, {"GITHUB_EVENT_NAME": None}, "GITHUB_EVENT_NAME is not set"),
        (
            "pull_request",
            None,
            {"GITHUB_EVENT_PATH": "/nonexistent/event.json"},
            "cannot read the event payload",
        ),
        (
            "issue_comment",
            {"action": "created", **{k: v for k, v in _ISSUE_COMMENT.items() if k != "comment"}},
            {},
            "not a valid 'issue_comment' event payload: comment: Field required",
        ),
    ],
)
def test_bad_start_is_one_line_and_exit_2(tmp_path, capsys, event_name, event, overrides, message):
    if event is None:
        event = pull_request_event(FakeGitHub())
    if event == "PR":
        (tmp_path / "bad.json").write_text("{not json")
        overrides = {"GITHUB_EVENT_PATH": str(tmp_path / "bad.json")}
        message = "bad.json:1:2: the event payload is not JSON"
    code, out, err = _run(tmp_path, capsys, event, event_name, **overrides)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("::error title=tapfix::")
    assert message in err
    assert "Traceback" not in out + err


def test_the_token_is_never_printed_even_when_an_input_is_bad(tmp_path, capsys):
    code, out, err = _run(tmp_path, capsys, pull_request_event(FakeGitHub()), **{"INPUT_MAX-COMMENTS": "-1"})
    assert code == 2
    assert FakeGitHub().token not in out + err


def test_bad_config_file_is_located(tmp_path, capsys):
    (tmp_path / ".tapfix.yml").write_text("fail-on: sometimes\n")
    code, _, err = _run(tmp_path, capsys, pull_request_event(FakeGitHub()))
    assert code == 2
    assert ".tapfix.yml: 'fail-on': 'sometimes' is not a threshold" in err
