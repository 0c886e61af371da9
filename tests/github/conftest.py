"""Fixtures for the GitHub tests: a fake GitHub behind `responses`, and running the action's
entry point in-process exactly as the container does (environment, event file, workspace)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import responses

from bot.action_main import main
from tests.github.fake_github import TOKEN, FakeGitHub


@dataclass
class ActionRun:
    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    job_summary: str


@dataclass
class GitHubWorld:
    fake: FakeGitHub
    sleeps: list[float] = field(default_factory=list)


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Any:
    world = GitHubWorld(FakeGitHub())
    monkeypatch.setattr(time, "sleep", world.sleeps.append)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        world.fake.install(rsps)
        yield world
    assert world.fake.violations == [], world.fake.violations


def action_env(
    tmp_path: Path, fake: FakeGitHub, workspace: Path, event: dict, event_name: str, inputs: dict[str, str]
) -> dict[str, str]:
    """The variables the runner passes to the action's container."""
    (tmp_path / "workflow").mkdir(exist_ok=True)
    event_path = tmp_path / "workflow" / "event.json"
    event_path.write_text(json.dumps(event))
    for name in ("output", "summary"):
        (tmp_path / name).write_text("")
    env = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": fake.base_url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "INPUT_GITHUB-TOKEN": fake.token,
        "INPUT_COMMENT-MODE": "review",
        "INPUT_MAX-COMMENTS": "25",
        "INPUT_REPORT": "new",
    }
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return env


def read_outputs(path: Path) -> dict[str, str]:
    outputs = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


def run_action(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    workspace: Path,
    event: dict,
    event_name: str = "pull_request",
    **inputs: str,
) -> ActionRun:
    env = action_env(
        tmp_path, fake, workspace, event, event_name, {k.replace("_", "-"): v for k, v in inputs.items()}
    )
    capsys.readouterr()
    code = main([], env)
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return ActionRun(code, out, err, read_outputs(tmp_path / "output"), (tmp_path / "summary").read_text())
