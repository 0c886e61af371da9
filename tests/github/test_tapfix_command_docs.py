"""The `/tapfix` workflow of docs/tapfix-command.md does what the page says: it runs on new PR
comments with the permissions a commit needs, and nothing from the comment or the PR reaches a shell.
(GitHub's schema and actionlint check it with every other workflow: test_documented_workflows.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "tapfix-command.md").read_text()


def _workflow() -> str:
    return re.search(r"```yaml\n(# \.github/workflows/tapfix-command\.yml\n.*?)```", PAGE, re.S).group(1)


def test_documented_workflow_runs_on_new_pr_comments_with_write_permissions_and_no_shell():
    text = _workflow()
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers == {"issue_comment": {"types": ["created"]}}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    [job] = workflow["jobs"].values()
    assert job["if"].startswith("github.event.issue.pull_request && ")
    assert all("run" not in step for step in job["steps"])
    checkout = next(s for s in job["steps"] if s["uses"].startswith("actions/checkout@"))
    assert "ref" not in checkout.get("with", {})  # the default branch: never the PR's code
    assert "tapfix/tapfix@" in text


def test_docs_explain_the_token_the_permission_check_and_never_running_pr_code():
    for phrase in (
        "permissions:",
        "contents: write",
        "pull-requests: write",
        "Commits made with `GITHUB_TOKEN` start no workflow runs",
        "Why it never runs code from the PR",
        "collaborators/{user}/permission",
        "never force-pushes",
        "[sample-tapfix.md](sample-tapfix.md)",
    ):
        assert phrase in PAGE, phrase
