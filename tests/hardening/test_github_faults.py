"""The GitHub fault matrix: every call the bot makes in each of its modes, failing in each way GitHub
or the network fails, against the fake GitHub of tests/github (which checks every request body
against GitHub's OpenAPI and GraphQL descriptions and fails the test on any violation).

Modes: the review of a pull request (first run, and a re-run after a fix, which edits, resolves and
updates), the posting job of the two-job fork mode, and `/tapfix` committing fixes. Faults: a 502
once, a 503 every time, a connection reset and a read timeout (before GitHub got the request, and
after it carried out a write whose answer was lost), a 403 secondary rate limit with `retry-after`,
a 404 (a deleted branch or comment), a 422 and a 409 where GitHub documents them.

In every case:
- the run completes (exit 0 or 1) or ends with one clear line on stderr (exit 2), never a traceback;
- no finding is lost: each one is in the summary comment, an inline comment, the job summary or
  the SARIF file; or the file it is in is reported as one GitHub would not give; or the run stopped
  before any finding existed (it could not read the PR) and then it wrote nothing anywhere;
- no comment is duplicated, and a clean re-run afterwards leaves exactly what a clean run leaves;
- `/tapfix` makes no partial commit: the branch is at the old head or at the complete fixed commit.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from bot.github.fingerprints import read_marker
from tests.github import contract
from tests.github.conftest import run_action
from tests.github.fake_github import FakeGitHub, Fault
from tests.github.pr import changed_entries, pull_request_event, workflow_run_event, write_tree
from tests.github.tapfix_command_pr import (
    CONFIG as COMMAND_CONFIG,
)
from tests.github.tapfix_command_pr import (
    comment_event,
    default_branch,
    files_after,
    open_pr,
)

MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
BUCKETS = (
    'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n\n'
    'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n'
)
VERSIONING = (
    '\nresource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n\n'
    '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n'
)
CONFIG = "select: [TAP201]\n"
BASE = {"infra/main.tf": MAIN}
HEAD = {"infra/main.tf": MAIN, "infra/s3.tf": BUCKETS}
FIXED = {"infra/main.tf": MAIN, "infra/s3.tf": BUCKETS + VERSIONING}
RESOURCES = ("aws_s3_bucket.logs", "aws_s3_bucket.data")


# --- faults -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    status: int = 0  # 0: a network error instead of an answer
    times: int = 1
    after_write: bool = False  # GitHub carried the write out; the answer was lost
    writes_only: bool = False
    documented_only: bool = False  # only where GitHub's description lists the status
    headers: tuple[tuple[str, str], ...] = ()
    message: str = "Server Error"


KINDS = (
    Kind("502-once", 502),
    Kind("503-always", 503, times=99),
    Kind("reset", times=1),
    Kind("timeout", times=1),
    Kind("reset-after-write", times=1, after_write=True, writes_only=True),
    Kind("timeout-after-write", times=1, after_write=True, writes_only=True),
    Kind(
        "403-secondary-rate-limit",
        403,
        headers=(("retry-after", "60"),),
        message="You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    ),
    Kind("404-gone", 404, times=99, message="Not Found"),
    Kind("422", 422, times=99, writes_only=True, documented_only=True, message="Validation Failed"),
    Kind("409", 409, times=99, documented_only=True, message="Conflict"),
)
NETWORK_ERRORS = {"reset": requests.ConnectionError, "timeout": requests.ReadTimeout}


def _documented(operation: str, status: int) -> bool:
    if operation.startswith("graphql"):
        return False
    op = next(o for o in contract.operations() if o.operation_id == operation)
    return str(status) in op.spec.get("responses", {})


def _is_write(operation: str) -> bool:
    if operation == "graphql-mutation":
        return True
    if operation == "graphql-query":
        return False
    return next(o for o in contract.operations() if o.operation_id == operation).method != "GET"


def _operation(fake: FakeGitHub, method: str, url: str, body: bytes | None) -> str | None:
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    if "/" + path == "/graphql":
        data = json.loads(body) if body else {}
        return (
            "graphql-mutation" if data.get("query", "").lstrip().startswith("mutation") else "graphql-query"
        )
    found = contract.match(method, "/" + path)
    return found[0].operation_id if found else None


def inject(fake: FakeGitHub, operation: str, kind: Kind):
    """Make `operation` fail as `kind` says; returns a function telling whether it ever did. HTTP
    errors on REST operations go through the fake's own faults; network errors, and anything on
    GraphQL, wrap the fake's request handler."""
    if kind.status and not operation.startswith("graphql"):
        body: dict[str, Any] = {"message": kind.message}
        fault = Fault(operation, kind.status, times=kind.times, headers=dict(kind.headers), body=body)
        fake.faults.append(fault)
        return lambda: fault.times < kind.times
    remaining = [kind.times]
    handle = fake.handle

    def faulty(method: str, url: str, headers: dict[str, str], body: bytes | None):
        if remaining[0] <= 0 or _operation(fake, method, url, body) != operation:
            return handle(method, url, headers, body)
        remaining[0] -= 1
        if kind.status:  # GraphQL answers errors with an HTTP status too
            return (
                kind.status,
                {"Content-Type": "application/json", **dict(kind.headers)},
                json.dumps({"message": kind.message}).encode(),
            )
        error = NETWORK_ERRORS[kind.name.split("-")[0]]
        if kind.after_write:
            handle(method, url, headers, body)
        raise error(f"injected {kind.name}")

    fake.handle = faulty
    return lambda: remaining[0] < kind.times


# --- the modes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    name: str
    operations: tuple[str, ...]  # what a clean run calls, in the order first called
    findings: tuple[str, ...] = ()  # resources whose findings the run must report somewhere


REVIEW_FIRST = Mode(
    "review-first-run",
    (
        "pulls/list-files",
        "repos/get-content",
        "pulls/list-review-comments",
        "pulls/get",
        "pulls/create-review",
        "issues/list-comments",
        "issues/create-comment",
    ),
    RESOURCES,
)
REVIEW_RERUN = Mode(
    "review-rerun-after-fix",
    (
        "pulls/list-files",
        "repos/get-content",
        "pulls/list-review-comments",
        "pulls/update-review-comment",
        "graphql-query",
        "graphql-mutation",
        "issues/list-comments",
        "issues/update-comment",
    ),
    ("aws_s3_bucket.data",),
)
TWO_JOB_POST = Mode(
    "two-job-posting",
    (
        "pulls/get",
        "pulls/list-files",
        "repos/get-content",  # the PR's files at the run's head: the posting job reviews them itself
        "pulls/list-review-comments",
        "pulls/create-review",
        "issues/list-comments",
        "issues/create-comment",
    ),
    RESOURCES,
)
TAPFIX = Mode(
    "tapfix-command",
    (
        "repos/get-collaborator-permission-level",
        "reactions/create-for-issue-comment",
        "pulls/get",
        "pulls/list-files",
        "repos/get-content",
        "git/get-ref",
        "git/get-commit",
        "git/get-tree",
        "git/create-blob",
        "git/create-tree",
        "git/create-commit",
        "git/update-ref",
        "issues/create-comment",
    ),
)
MODES = (REVIEW_FIRST, REVIEW_RERUN, TWO_JOB_POST, TAPFIX)


@dataclass
class World:
    """A fake GitHub behind `responses`, replaceable between runs (a clean PR for the reference
    run, another for the faulty one)."""

    fake: FakeGitHub
    sleeps: list[float] = field(default_factory=list)
    used: list[FakeGitHub] = field(default_factory=list)

    def fresh(self) -> FakeGitHub:
        self.fake = FakeGitHub()
        self.used.append(self.fake)
        return self.fake


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch):
    w = World(FakeGitHub())
    w.used.append(w.fake)
    monkeypatch.setattr(time, "sleep", w.sleeps.append)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:

        def callback(request):
            body = request.body.encode() if isinstance(request.body, str) else request.body
            return w.fake.handle(request.method, request.url, dict(request.headers), body)

        pattern = re.compile(re.escape(w.fake.base_url) + r"/.*")
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            rsps.add_callback(method, pattern, callback=callback)
        yield w
    for fake in w.used:
        assert fake.violations == [], fake.violations  # every request matched GitHub's description


def _review_pr(fake: FakeGitHub, tmp_path: Path, head: dict[str, str]) -> Path:
    fake.files = changed_entries(BASE, head)
    for path, text in head.items():
        fake.contents[(fake.head_sha, path)] = text.encode()
    # The workspace is the base: the head is read through the API, so those reads are in the matrix.
    return write_tree(tmp_path / f"ws-{fake.head_sha[:4]}", {**BASE, ".tapfix.yml": CONFIG})


@dataclass
class Run:
    exit_code: int
    stderr: str
    reported: str  # everything a person can read afterwards: job summary, SARIF, PR comments


def prepare(mode: Mode, fake: FakeGitHub, tmp_path: Path, capsys):
    """Set `fake` up for `mode` (earlier runs included); returns a function that runs the action."""
    for earlier in ("job1", "first"):
        (tmp_path / earlier).mkdir(parents=True, exist_ok=True)
    if mode is TAPFIX:
        open_pr(fake, BASE, HEAD)
        workspace = default_branch(tmp_path, BASE, COMMAND_CONFIG)
        event, name, inputs = comment_event(fake), "issue_comment", {}
    elif mode is TWO_JOB_POST:
        workspace = _review_pr(fake, tmp_path, HEAD)
        run_action(
            tmp_path / "job1",
            capsys,
            fake,
            workspace,
            pull_request_event(fake),
            review_artifact="review.json",
        )
        event, name, inputs = workflow_run_event(fake), "workflow_run", {"review_artifact": "review.json"}
    else:
        workspace = _review_pr(fake, tmp_path, HEAD)
        event, name, inputs = pull_request_event(fake), "pull_request", {"sarif_file": "tapfix.sarif"}
        if mode is REVIEW_RERUN:
            run_action(tmp_path / "first", capsys, fake, workspace, event, name, **inputs)
            fake.push("c" * 40, changed_entries(BASE, FIXED))
            workspace = _review_pr(fake, tmp_path, FIXED)
            event = pull_request_event(fake)
    fake.calls.clear()
    runs = [0]

    def once() -> Run:
        runs[0] += 1
        directory = tmp_path / f"run-{runs[0]}"
        directory.mkdir(parents=True)
        result = run_action(directory, capsys, fake, workspace, event, name, **inputs)
        sarif = workspace / "tapfix.sarif"
        texts = [result.job_summary, sarif.read_text() if sarif.exists() else ""]
        texts += [c["body"] for c in fake.issue_comments + fake.review_comments]
        if sarif.exists():
            sarif.unlink()
        return Run(result.exit_code, result.stderr, "\n".join(texts))

    return once


def _state(fake: FakeGitHub) -> dict[str, Any]:
    """What a person sees: open inline comments, summary comments, replies, the branch's files."""
    open_comments = []
    for c in fake.review_comments:
        marker = read_marker(c["body"])
        if marker is not None and marker.state == "" and c.get("in_reply_to_id") is None:
            open_comments.append((c["path"], c["line"], marker.fingerprint))
    summaries = [c for c in fake.issue_comments if c["body"].startswith("<!-- tapfix:v1 summary")]
    tip = fake.git.refs.get(f"heads/{fake.head_ref}")
    return {
        "open": sorted(open_comments),
        "summaries": len(summaries),
        "replies": len(fake.issue_comments) - len(summaries),
        "files": files_after(fake) if tip in fake.git.commits else None,
    }


_EXPECTED: dict[str, dict[str, Any]] = {}


def expected_state(mode: Mode, world: World, tmp_path: Path, capsys) -> dict[str, Any]:
    if mode.name not in _EXPECTED:
        fake = world.fresh()
        once = prepare(mode, fake, tmp_path / "reference", capsys)
        assert once().exit_code in (0, 1)
        _EXPECTED[mode.name] = _state(fake)
    return _EXPECTED[mode.name]


# --- the matrix ---------------------------------------------------------------------------------


def _cases():
    for mode in MODES:
        for operation in mode.operations:
            for kind in KINDS:
                if kind.writes_only and not _is_write(operation):
                    continue
                if kind.documented_only and not _documented(operation, kind.status):
                    continue
                yield pytest.param(mode, operation, kind, id=f"{mode.name}:{operation}:{kind.name}")


@pytest.mark.parametrize("mode", MODES, ids=[m.name for m in MODES])
def test_the_matrix_covers_every_call_each_mode_makes(mode, world, tmp_path, capsys):
    fake = world.fresh()
    once = prepare(mode, fake, tmp_path, capsys)
    assert once().exit_code in (0, 1)
    assert tuple(dict.fromkeys(fake.operations())) == mode.operations


@pytest.mark.parametrize(("mode", "operation", "kind"), list(_cases()))
def test_github_fault(mode, operation, kind, world, tmp_path, capsys):
    expected = expected_state(mode, world, tmp_path, capsys)
    fake = world.fresh()
    once = prepare(mode, fake, tmp_path / "faulty", capsys)
    head_before = fake.git.refs.get(f"heads/{fake.head_ref}")
    fired = inject(fake, operation, kind)
    run = once()
    assert fired(), f"{operation} was never called, so the fault never happened"

    # it completes, or says why in one line
    assert "Traceback" not in run.stderr
    if run.exit_code == 2:
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("::error title=tapfix::"), run.stderr
    else:
        assert run.exit_code in (0, 1), run.stderr

    # nothing duplicated
    state = _state(fake)
    assert len({fp for _, _, fp in state["open"]}) == len(state["open"]), state["open"]
    assert state["summaries"] <= 1 and state["replies"] <= 1

    if mode is TAPFIX:
        # no partial commit: the old head, or the whole fixed commit
        tip = fake.git.refs[f"heads/{fake.head_ref}"]
        assert tip == head_before or state["files"] == expected["files"]
        return

    # no finding lost: each is reported, or its file is reported as unreadable, or the run could
    # not read the PR and so stopped before any finding existed, with nothing written anywhere
    lost = [r for r in mode.findings if r not in run.reported]
    if lost and "GitHub has no such file at the head commit" not in run.reported:
        assert run.exit_code == 2 and not fake.writes(), f"{lost} reported nowhere: {run.stderr}"

    # a clean re-run leaves exactly what a clean run leaves
    fake.faults.clear()
    fake.__dict__.pop("handle", None)
    assert once().exit_code in (0, 1)
    after = _state(fake)
    assert (after["open"], after["summaries"]) == (expected["open"], expected["summaries"])


# --- the bugs the matrix found --------------------------------------------------------------------


def test_a_review_that_cannot_be_posted_still_writes_the_job_summary_and_sarif(world, tmp_path, capsys):
    # A 503 on every attempt to post the review ended the run before the job summary and the SARIF
    # file were written: every finding was lost.
    fake = world.fresh()
    once = prepare(REVIEW_FIRST, fake, tmp_path, capsys)
    fake.fail("pulls/create-review", 503, times=99)
    run = once()
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "::error title=tapfix::GitHub API: POST /repos/Codertocat/Hello-World/pulls/2/reviews"
    )
    assert all(resource in run.reported for resource in RESOURCES)
    assert (
        "Posting the review failed (POST /repos/Codertocat/Hello-World/pulls/2/reviews: HTTP 503)"
        in run.reported
    )
    assert '"ruleId": "TAP201"' in run.reported  # the SARIF file


def test_a_changed_file_github_will_not_give_is_reported_not_skipped(world, tmp_path, capsys):
    # A 404 for a changed file at the head was read as "no such file": the run said "no new findings".
    fake = world.fresh()
    once = prepare(REVIEW_FIRST, fake, tmp_path, capsys)
    fake.fail("repos/get-content", 404, times=99, body={"message": "Not Found"})
    run = once()
    assert "`infra/s3.tf:1`: GitHub has no such file at the head commit aaaaaaa" in run.reported
