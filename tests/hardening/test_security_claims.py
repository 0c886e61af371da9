"""The claims of SECURITY.md that no other test covers, and the check that every claim there names
tests that exist.

- Each mode's workflow grants what the calls of that mode need, and nothing no call needs (the
  calls are the ones the fault matrix proves each mode makes, test_github_faults.py).
- No code path of the bot or the engine starts a process or evaluates code.
- `pull_request_target` is reviewed like `pull_request`, without starting anything.
- The token goes only to the API's own origin.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
import responses
import yaml

from bot.github.client import GitHubClient, GitHubError
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree
from tests.github.workflows import all_workflows
from tests.hardening.test_github_faults import REVIEW_FIRST, REVIEW_RERUN, TAPFIX, TWO_JOB_POST

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "SECURITY.md"

# --- token permissions ----------------------------------------------------------------------------

# What each call needs, from GitHub's "Permissions required for GitHub Apps" (the same names as a
# workflow's `permissions:`); a tuple lists alternatives GitHub accepts for the call.
NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "pulls/get": (("pull-requests", "read"),),
    "pulls/list-files": (("pull-requests", "read"),),
    "pulls/list-review-comments": (("pull-requests", "read"),),
    "pulls/list-reviews": (("pull-requests", "read"),),
    "pulls/create-review": (("pull-requests", "write"),),
    "pulls/update-review-comment": (("pull-requests", "write"),),
    "issues/list-comments": (("issues", "read"), ("pull-requests", "read")),
    "issues/create-comment": (("issues", "write"), ("pull-requests", "write")),
    "issues/update-comment": (("issues", "write"), ("pull-requests", "write")),
    "issues/delete-comment": (("issues", "write"), ("pull-requests", "write")),
    "reactions/create-for-issue-comment": (("issues", "write"), ("pull-requests", "write")),
    "repos/get-content": (("contents", "read"),),
    "repos/get-collaborator-permission-level": (("metadata", "read"),),
    "git/get-ref": (("contents", "read"),),
    "git/get-commit": (("contents", "read"),),
    "git/get-tree": (("contents", "read"),),
    "git/create-blob": (("contents", "write"),),
    "git/create-tree": (("contents", "write"),),
    "git/create-commit": (("contents", "write"),),
    "git/update-ref": (("contents", "write"),),
    "graphql-query": (("pull-requests", "read"),),
    "graphql-mutation": (("pull-requests", "write"),),
    # steps of the workflow itself, not calls of the bot
    "step: actions/checkout": (("contents", "read"),),
    "step: actions/download-artifact of another run": (("actions", "read"),),
    "step: github/codeql-action/upload-sarif": (("security-events", "write"),),
    # upload-sarif reads the workflow run it belongs to; in a private repository that needs actions: read
    "step: github/codeql-action/upload-sarif reads its run": (("actions", "read"),),
    "step: git push": (("contents", "write"),),
    "step: push an image to ghcr.io": (("packages", "write"),),
}
_LEVEL = {"none": 0, "read": 1, "write": 2}
# Calls a mode makes only sometimes: after an ambiguous failure, or with a duplicated summary.
_RECHECKS = ("pulls/list-reviews", "issues/delete-comment")


# What tapfix itself calls in each event's mode (the workflow's own steps are added per step).
REVIEW_CALLS = {*REVIEW_FIRST.operations, *REVIEW_RERUN.operations, *_RECHECKS}
POSTING_CALLS = {
    *TWO_JOB_POST.operations,
    # a later posting run marks fixed comments: edits and resolves
    *("pulls/update-review-comment", "graphql-query", "graphql-mutation", "issues/update-comment"),
    *_RECHECKS,
}
TAPFIX_CALLS = {
    "pull_request": REVIEW_CALLS,
    "pull_request_target": REVIEW_CALLS,
    "workflow_run": POSTING_CALLS,
    "issue_comment": set(TAPFIX.operations),
    # code scanning of a branch makes no request (tests/github/test_repository_scan.py)
    "push": set(),
    "schedule": set(),
    "workflow_dispatch": set(),
}
UPLOAD_SARIF = {
    "step: github/codeql-action/upload-sarif",
    "step: github/codeql-action/upload-sarif reads its run",
}
# Actions that use no permission of the workflow's token (they set up tools, or use another token).
_NEEDS_NOTHING = {
    "actions/setup-python",
    "actions/setup-node",
    "hashicorp/setup-terraform",
    "actions/upload-artifact",
    "actions/create-github-app-token",
    "docker/setup-qemu-action",
    "docker/setup-buildx-action",
    "docker/login-action",  # the login itself; pushing is the build step's
}
_WORKFLOW_TOKEN = ("${{ github.token }}", "${{ secrets.GITHUB_TOKEN }}")


def _step_calls(step: dict, events: list[str]) -> set[str]:
    """What a step of a workflow does with the workflow's token."""
    action, inputs = step.get("uses", "").split("@")[0], step.get("with") or {}
    if action in ("tapfix/tapfix", "./"):
        if inputs.get("github-token", _WORKFLOW_TOKEN[0]) not in _WORKFLOW_TOKEN:
            return set()  # an app or personal token: its own permissions apply
        return {call for event in events for call in TAPFIX_CALLS[event]}
    if action == "actions/checkout":
        return {"step: actions/checkout"}
    if action == "actions/download-artifact":
        return {"step: actions/download-artifact of another run"} if "run-id" in inputs else set()
    if action == "github/codeql-action/upload-sarif":
        return UPLOAD_SARIF
    if action == "docker/build-push-action":
        return {"step: push an image to ghcr.io"} if inputs.get("push") else set()
    if action in _NEEDS_NOTHING:
        return set()
    if "run" in step:
        return {"step: git push"} if "git push" in step["run"] else set()
    raise AssertionError(f"what does the step {step} need? add it to _step_calls")


def _jobs() -> dict[str, tuple[dict, set[str]]]:
    """Every job of every workflow: its token's permissions and what its steps call."""
    jobs = {}
    for label, text in all_workflows().items():
        workflow = yaml.safe_load(text)
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
        events = [triggers] if isinstance(triggers, str) else list(triggers)
        for name, job in workflow["jobs"].items():
            granted = job.get("permissions", workflow.get("permissions"))
            calls = {c for step in job["steps"] for c in _step_calls(step, events)}
            jobs[f"{label} job {name}"] = (granted, calls)
    return jobs


JOBS = _jobs()


def test_the_permission_check_covers_every_mode_and_the_release():
    labels = " ".join(JOBS)
    for name in (
        "tapfix.yml",
        "tapfix-review.yml",
        "tapfix-post.yml",
        "tapfix-scan.yml",
        "tapfix-command.yml",
    ):
        assert (
            f"docs/action.md: .github/workflows/{name}" in labels
            or f"docs/tapfix-command.md: .github/workflows/{name}" in labels
        ), name
    assert "README.md: .github/workflows/tapfix.yml" in labels
    assert ".github/workflows/release.yml job release" in labels


@pytest.mark.parametrize("name", JOBS)
def test_every_workflow_grants_what_its_steps_need_and_nothing_more(name):
    granted, calls = JOBS[name]
    # without `permissions:` the token gets the repository's default, which may be read-only
    assert isinstance(granted, dict), (
        f"{name} declares no permissions: a copy runs with whatever the default is"
    )
    granted = {"metadata": "read", **granted}  # every token can read metadata

    def has(permission: str, level: str) -> bool:
        return _LEVEL[granted.get(permission, "none")] >= _LEVEL[level]

    missing = [c for c in sorted(calls) if not any(has(p, lvl) for p, lvl in NEEDS[c])]
    assert missing == [], f"{name} lacks a permission for {missing}"
    used = {(p, lvl) for c in calls for p, lvl in NEEDS[c]}
    unneeded = [f"{p}: {lvl}" for p, lvl in granted.items() if p != "metadata" and (p, lvl) not in used]
    assert unneeded == [], f"{name} grants {unneeded}, which no step of this job needs"


# --- never running code from the PR -------------------------------------------------------------

# Starting a process, or evaluating text as code. (multiprocessing forks tapfix itself; it runs
# nothing from a repository.)
_FORBIDDEN_CALLS = {
    ("subprocess", "run"), ("subprocess", "Popen"), ("subprocess", "call"), ("subprocess", "check_call"),
    ("subprocess", "check_output"), ("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execvp"),
    ("os", "execve"), ("os", "spawnv"), ("os", "posix_spawn"), ("pickle", "load"), ("pickle", "loads"),
    ("marshal", "loads"), ("yaml", "load"), ("yaml", "unsafe_load"),
}  # fmt: skip
_FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__"}


def _forbidden(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"import {m}" for m in modules if m.split(".")[0] in ("subprocess", "pty", "ctypes")]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in _FORBIDDEN_NAMES:
            found.append(f"{func.id}()")
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and (func.value.id, func.attr) in _FORBIDDEN_CALLS
        ):
            found.append(f"{func.value.id}.{func.attr}()")
    return found


def test_the_bot_and_the_engine_start_no_process_and_evaluate_no_code():
    sources = sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "fixers").rglob("*.py")])
    assert len(sources) > 50
    offences = {
        str(p.relative_to(ROOT)): found for p in sources if (found := _forbidden(ast.parse(p.read_text())))
    }
    assert offences == {}
    # The checker itself can fail.
    assert _forbidden(ast.parse("import subprocess\nsubprocess.run(['terraform'])\neval(x)"))


def test_pull_request_target_is_reviewed_like_pull_request_without_starting_anything(
    github, tmp_path, capsys, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError(f"started a process: {args!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    fake = github.fake
    main = 'terraform {\n  required_version = ">= 1.5"\n}\n'
    bucket = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
    head = {"infra/main.tf": main, "infra/s3.tf": bucket}
    fake.files = changed_entries({"infra/main.tf": main}, head)
    workspace = write_tree(tmp_path / "ws", {**head, ".tapfix.yml": "select: [TAP201]\n"})

    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake), "pull_request_target")

    assert run.exit_code == 1
    assert [c["path"] for c in fake.review_comments] == ["infra/s3.tf"]
    assert len(fake.issue_comments) == 1


@responses.activate
def test_the_token_goes_only_to_the_apis_own_origin():
    responses.get(
        "https://api.github.com/repos/o/r/pulls/1/files",
        json=[{"filename": "a.tf"}],
        headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'},
    )
    client = GitHubClient("ghs_secret", sleep=lambda _: None)
    with pytest.raises(
        GitHubError, match=re.escape("refusing to send the token to https://evil.example:443")
    ):
        list(client.paginate("/repos/o/r/pulls/1/files"))
    assert [c.request.url.split("?")[0] for c in responses.calls] == [
        "https://api.github.com/repos/o/r/pulls/1/files"
    ]
    assert "ghs_secret" not in repr(client)


def test_an_oversized_review_artifact_is_refused_before_it_is_parsed(tmp_path):
    from bot.github.forks import MAX_ARTIFACT_BYTES, ArtifactError, read_artifact

    artifact = tmp_path / "tapfix-review.json"
    artifact.write_text("[" + "0," * (MAX_ARTIFACT_BYTES // 2) + "0]")
    with pytest.raises(ArtifactError, match="the review artifact is larger than"):
        read_artifact(artifact)


# --- SECURITY.md --------------------------------------------------------------------------------

_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _claims() -> list[str]:
    """The bullet points of SECURITY.md's sections that state how tapfix behaves."""
    text = SECURITY.read_text()
    body = text[: text.index("\n## Reporting a vulnerability")]
    return [item for item in re.split(r"\n(?=- )", body) if item.startswith("- ")]


def test_every_claim_in_security_md_names_tests_that_exist():
    claims = _claims()
    assert len(claims) >= 15
    for claim in claims:
        references = _REFERENCE.findall(claim)
        assert references, f"no test backs: {claim[:100]}"
        for path, name in references:
            source = ROOT / path
            assert source.is_file(), path
            defined = {
                n.name for n in ast.walk(ast.parse(source.read_text())) if isinstance(n, ast.FunctionDef)
            }
            assert name in defined, f"{path}::{name} does not exist"
