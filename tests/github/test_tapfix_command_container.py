"""One `/tapfix` run the way GitHub runs the action's container on `issue_comment`: the command line
from the Dockerfile and action.yml, run as a subprocess with the runner's variables, a workspace
that is the default branch, and a fake GitHub on 127.0.0.1 that checks every request against the
OpenAPI description and keeps the Git objects the commit is made of."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.github.fake_github import FakeGitHub
from tests.github.tapfix_command_pr import (
    BUCKET,
    MAIN,
    VERSIONING,
    comment_event,
    default_branch,
    files_after,
    open_pr,
)
from tests.github.test_container_entrypoint import IMAGE_PYTHON, ROOT, container_command, runner_env


def test_container_command_commits_the_fix_for_a_maintainers_comment(tmp_path: Path):
    fake = FakeGitHub(repository="acme/infra", number=7, head_sha="c0ffee" * 6 + "c0ff")
    open_pr(fake, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    workspace = default_branch(tmp_path, {"infra/main.tf": MAIN}, config="select: [TAP201]\n")
    (tmp_path / "workflow").mkdir()
    (tmp_path / "workflow" / "event.json").write_text(json.dumps(comment_event(fake, "/tapfix")))
    output = tmp_path / "output"
    summary = tmp_path / "summary"
    output.write_text("")
    summary.write_text("")
    command = container_command()
    assert command[0] == IMAGE_PYTHON
    action = yaml.safe_load((ROOT / "action.yml").read_text())

    with fake.serve() as url:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path / "home"),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "issue_comment",
            "GITHUB_EVENT_PATH": str(tmp_path / "workflow" / "event.json"),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_REPOSITORY": fake.repository,
            "GITHUB_SHA": "d" * 40,  # the default branch's last commit, not the PR head
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_API_URL": url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            **runner_env(action, fake.token),
        }
        result = subprocess.run(
            [sys.executable, *command[1:]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert fake.violations == []
    assert result.returncode == 0, result.stderr
    assert fake.token not in result.stdout + result.stderr
    tip = fake.git.refs["heads/changes"]
    assert (
        fake.git.commits[tip]["parents"] == [fake.git.commits[tip]["parents"][0]] == ["c0ffee" * 6 + "c0ff"]
    )
    assert files_after(fake)["infra/s3.tf"] == ("100644", (BUCKET + VERSIONING).encode())
    assert f"commit={tip}\n" in output.read_text() and "command-result=committed\n" in output.read_text()
    [reply] = fake.issue_comments
    assert "### tapfix: 1 fix committed" in reply["body"]
    assert "### tapfix: 1 fix committed" in summary.read_text()
    assert [c.operation for c in fake.writes()] == [
        "reactions/create-for-issue-comment",
        "git/create-blob",
        "git/create-tree",
        "git/create-commit",
        "git/update-ref",
        "issues/create-comment",
    ]
    assert result.stdout.startswith(f"tapfix: /tapfix committed: committed {tip}")
