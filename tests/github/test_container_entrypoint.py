"""The container as GitHub runs it, without Docker (no engine on these machines): the command line is
read from the Dockerfile's ENTRYPOINT/CMD and action.yml's `runs.args`, and run as a subprocess with
the variables, event file and workspace the runner provides, against a fake GitHub API on
127.0.0.1 that checks every request against GitHub's OpenAPI description. So the entry point
cannot drift from the code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.github.fake_github import FakeGitHub
from tests.github.pr import SELECT_TAP201, WEBHOOKS, changed_entries, pull_request_event, write_tree

ROOT = Path(__file__).resolve().parents[2]
IMAGE_PYTHON = "/usr/local/bin/python"  # where python:3.11-slim keeps the interpreter


def _final_stage(dockerfile: str) -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", dockerfile)
    instructions = [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def container_command() -> list[str]:
    stage = _final_stage((ROOT / "Dockerfile").read_text())
    entrypoint = [json.loads(arg) for name, arg in stage if name == "ENTRYPOINT"][-1]
    cmd = ([json.loads(arg) for name, arg in stage if name == "CMD"] or [[]])[-1]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    args = [str(a) for a in action["runs"].get("args", [])]
    if action["runs"].get("entrypoint"):  # action.yml may override the image's ENTRYPOINT
        entrypoint = [action["runs"]["entrypoint"]]
    return [*entrypoint, *cmd, *args]


def runner_env(action: dict, token: str) -> dict[str, str]:
    """INPUT_* as the runner sets them: every input, with its default (expressions evaluated)."""
    env = {}
    for name, spec in action["inputs"].items():
        default = str(spec.get("default", ""))
        env[f"INPUT_{name.upper()}"] = default.replace("${{ github.token }}", token)
    return env


def test_dockerfile_follows_githubs_rules_for_action_images():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stage = _final_stage(dockerfile)
    names = [name for name, _ in stage]
    assert "USER" not in names and "WORKDIR" not in names
    [entrypoint] = [json.loads(arg) for name, arg in stage if name == "ENTRYPOINT"]
    assert entrypoint[0].startswith("/")  # absolute, exec form (json.loads would fail on shell form)
    assert any(
        "hcl2.parser.parser()" in arg for name, arg in stage if name == "RUN"
    )  # grammar cache at build time
    assert stage[0][1].startswith("python:3.11-slim")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"] == {"using": "docker", "image": "Dockerfile"}


def test_dockerfile_installs_tapfix_the_way_the_readme_does():
    readme = (ROOT / "README.md").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install ." in readme
    assert re.search(r"pip install --no-cache-dir --prefix=/install /src\n", dockerfile)
    assert "COPY . /src" in dockerfile


def _run_container(
    tmp_path: Path, fake: FakeGitHub, workspace: Path, event: dict, api_url: str, **extra: str
):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    command = container_command()
    assert command[0] == IMAGE_PYTHON
    command = [sys.executable, *command[1:]]  # the one substitution: this machine's interpreter
    (tmp_path / "workflow").mkdir(exist_ok=True)
    (tmp_path / "workflow" / "event.json").write_text(json.dumps(event))
    (tmp_path / "file_commands").mkdir(exist_ok=True)
    output, summary = tmp_path / "file_commands" / "output", tmp_path / "file_commands" / "summary"
    output.write_text("")
    summary.write_text("")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(tmp_path / "workflow" / "event.json"),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_SHA": "f" * 40,  # the test merge commit, not the head
        "GITHUB_REF": f"refs/pull/{fake.number}/merge",
        "GITHUB_API_URL": api_url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **runner_env(action, fake.token),
        **extra,
    }
    result = subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True, timeout=120)
    return result, output.read_text(), summary.read_text()


def test_container_command_reviews_a_pull_request_against_a_local_github(tmp_path):
    fake = FakeGitHub()
    base = {"infra/main.tf": 'terraform {\n  required_version = ">= 1.5"\n}\n'}
    head = {**base, "infra/s3.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'}
    fake.files = changed_entries(base, head)
    workspace = write_tree(tmp_path / "workspace", {**head, ".tapfix.yml": SELECT_TAP201})

    with fake.serve() as url:
        result, outputs, summary = _run_container(
            tmp_path, fake, workspace, pull_request_event(fake), url, **{"INPUT_SARIF-FILE": "tapfix.sarif"}
        )

    assert fake.violations == []
    assert result.returncode == 1, result.stderr  # one high finding
    assert fake.token not in result.stdout + result.stderr
    assert [c["line"] for c in fake.review_comments] == [3]
    assert "```suggestion" in fake.review_comments[0]["body"]
    assert len(fake.issue_comments) == 1
    assert "high=1\n" in outputs and "sarif-file=tapfix.sarif\n" in outputs
    assert "| high | [TAP201]" in summary
    sarif = json.loads((workspace / "tapfix.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["TAP201"]
    assert [c.operation for c in fake.writes()] == ["pulls/create-review", "issues/create-comment"]


def test_container_command_with_a_malformed_event_exits_2_with_one_line(tmp_path):
    fake = FakeGitHub()
    workspace = write_tree(tmp_path / "workspace", {})
    result, _, _ = _run_container(tmp_path, fake, workspace, {"action": "opened"}, "http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a valid 'pull_request' event payload" in result.stderr


def test_container_command_scans_the_checkout_on_push_without_the_api(tmp_path):
    fake = FakeGitHub()
    workspace = write_tree(tmp_path / "workspace", {"infra/s3.tf": 'resource "aws_s3_bucket" "logs" {}\n'})
    event = json.loads((WEBHOOKS / "push.branch.json").read_text())
    result, outputs, summary = _run_container(
        tmp_path,
        fake,
        workspace,
        event,
        "http://127.0.0.1:9",  # nothing listens: a scan makes no request
        GITHUB_EVENT_NAME="push",
        GITHUB_SHA=event["after"],
        GITHUB_REF=event["ref"],
        **{"INPUT_SARIF-FILE": "tapfix.sarif", "INPUT_SELECT": "TAP201,TAP202"},
    )
    assert result.returncode == 1, result.stderr
    assert "findings=2\n" in outputs and "sarif-file=tapfix.sarif\n" in outputs
    assert "`infra/s3.tf:1`" in summary and f"Commit `{event['after'][:7]}`" in summary
    sarif = json.loads((workspace / "tapfix.sarif").read_text())
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["TAP201", "TAP202"]
