"""Building a pull request for the tests: files at the base and at the head become a checked-out
workspace, `pulls/list-files` entries with GitHub-style patches (hunks only, 3 lines of context),
and an event payload derived from @octokit/webhooks-examples."""

from __future__ import annotations

import copy
import difflib
import functools
import json
from pathlib import Path
from typing import Any

from tests.github.fake_github import FakeGitHub, diff_entry

WEBHOOKS = Path(__file__).parent / "fixtures" / "webhooks"
SELECT_TAP201 = "select: [TAP201]\n"


def github_patch(before: str, after: str) -> str:
    """What GitHub puts in `patch`: the hunks of a 3-line-context unified diff."""
    lines = list(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), n=3))
    out = []
    for line in lines[2:]:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out).removesuffix("\n")


def changed_entries(
    base: dict[str, str], head: dict[str, str], renames: dict[str, str] | None = None
) -> list[dict]:
    """list-files entries for every file that differs; `renames` maps new path -> old path."""
    renames = renames or {}
    entries = []
    old_paths = set(renames.values())
    for path in sorted(set(base) | set(head)):
        if path in old_paths and path not in head:
            continue
        if path in renames:
            old = base[renames[path]]
            patch = github_patch(old, head[path]) if old != head[path] else None
            entries.append(diff_entry(path, patch, "renamed", previous=renames[path]))
        elif path not in base:
            entries.append(diff_entry(path, github_patch("", head[path]), "added"))
        elif path not in head:
            entries.append(diff_entry(path, github_patch(base[path], ""), "removed"))
        elif base[path] != head[path]:
            entries.append(diff_entry(path, github_patch(base[path], head[path])))
    return entries


def write_tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


@functools.cache
def _example(name: str) -> dict[str, Any]:
    return json.loads((WEBHOOKS / name).read_text())


def pull_request_event(fake: FakeGitHub, action: str = "synchronize") -> dict:
    """The webhook example for `action`, pointed at the fake's PR."""
    event = copy.deepcopy(
        _example("pull_request.synchronize.json" if action == "synchronize" else "pull_request.opened.json")
    )
    pr = event["pull_request"]
    pr["number"] = event["number"] = fake.number
    pr["head"]["sha"], pr["base"]["sha"] = fake.head_sha, fake.base_sha
    pr["head"]["repo"]["full_name"] = fake.head_repo or fake.repository
    pr["base"]["repo"]["full_name"] = event["repository"]["full_name"] = fake.repository
    pr["changed_files"] = fake.changed_files if fake.changed_files is not None else len(fake.files)
    return event


def workflow_run_event(fake: FakeGitHub, head_sha: str | None = None, event: str = "pull_request") -> dict:
    """The run of the fake's PR: its head commit, repository and branch; `pull_requests` empty, as
    GitHub sends it for a fork's PR."""
    payload = copy.deepcopy(_example("workflow_run.completed.json"))
    run = payload["workflow_run"]
    run["event"] = event
    run["head_sha"] = head_sha or fake.head_sha
    run["head_branch"] = fake.head_ref
    run["head_repository"]["full_name"] = fake.head_repo or fake.repository
    run["pull_requests"] = []
    payload["repository"]["full_name"] = fake.repository
    return payload
