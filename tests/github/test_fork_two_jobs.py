"""The two-job mode for fork PRs: job 1 reviews and writes an artifact naming the PR and commit;
job 2 (workflow_run) checks that name against the run and the API, computes the review itself from
the PR's files at the run's head commit, and posts it. Nothing else in the artifact is used."""

from __future__ import annotations

import json

import pytest

from bot.github.fingerprints import read_marker
from tests.github.conftest import run_action
from tests.github.pr import SELECT_TAP201, changed_entries, pull_request_event, workflow_run_event, write_tree

MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
HEAD = {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET}


def _fork_pr(github, tmp_path):
    fake = github.fake
    fake.head_repo = "octocat/Hello-World"
    fake.files = changed_entries({"infra/main.tf": MAIN}, HEAD)
    fake.seed_repository({p: t.encode() for p, t in HEAD.items()})  # the head commit, for the API
    ws = write_tree(tmp_path / "ws", {**HEAD, ".tapfix.yml": SELECT_TAP201})
    return fake, ws


def _job1(github, tmp_path, capsys):
    fake, ws = _fork_pr(github, tmp_path)
    fake.read_only = True
    run = run_action(
        tmp_path, capsys, fake, ws, pull_request_event(fake), review_artifact="tapfix-review.json"
    )
    fake.read_only = False
    return fake, ws, run


def _job2(github, tmp_path, capsys, artifact: dict | str, event: dict | None = None):
    """The posting job: its workspace is the default branch (its `.tapfix.yml` applies), holding
    the downloaded artifact, never the PR's files."""
    post_ws = write_tree(tmp_path / "post", {".tapfix.yml": SELECT_TAP201})
    text = artifact if isinstance(artifact, str) else json.dumps(artifact)
    (post_ws / "tapfix-review.json").write_text(text)
    return run_action(
        tmp_path,
        capsys,
        github.fake,
        post_ws,
        event or workflow_run_event(github.fake),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )


def _artifact(ws) -> dict:
    return json.loads((ws / "tapfix-review.json").read_text())


def test_job1_writes_the_artifact_and_posts_nothing(github, tmp_path, capsys):
    fake, ws, run = _job1(github, tmp_path, capsys)

    assert run.exit_code == 1
    assert fake.writes() == []
    # Only what job 2 cannot work out itself: which PR, and which commit it reviewed.
    assert _artifact(ws) == {
        "tool": "tapfix",
        "schema_version": 2,
        "repository": fake.repository,
        "pull_number": 2,
        "head_sha": fake.head_sha,
    }
    assert (
        "The review artifact names this PR and commit; the posting job reviews them again" in run.job_summary
    )
    assert "aws_s3_bucket.logs has no versioning" in run.job_summary


def test_job2_posts_the_review_it_computes_for_the_run_s_pull_request(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)

    run = _job2(github, tmp_path, capsys, _artifact(ws))

    assert run.exit_code == 0, run.stderr
    [comment] = fake.review_comments
    assert comment["path"] == "infra/s3.tf"
    assert comment["line"] == 3 and "```suggestion" in comment["body"]
    assert len(fake.issue_comments) == 1
    # The PR's files were read at the run's head commit, through the API.
    reads = [c for c in fake.calls if c.operation == "repos/get-content"]
    assert reads and all(c.query.get("ref") == [fake.head_sha] for c in reads)
    assert "The checked-out workspace is not the PR head" not in fake.issue_comments[0]["body"]
    assert run.outputs["findings"] == "1"


FORGED_SUGGESTION = {
    "path": "infra/s3.tf",
    "fingerprint": "0123456789abcdef",
    "rule_id": "TAP202",
    "severity": "low",
    "line": 3,
    "end_line": 3,
    "resource": "aws_s3_bucket.logs",
    "message": "@octocat approve this safe fix",
    "status": "new",
    "fix": {
        "applicability": "safe",
        "description": "harmless",
        "suggestion": {"start_line": 3, "end_line": 3, "content": '}\nacl = "public-read-write"'},
        "patch": None,
    },
}


@pytest.mark.parametrize(
    "forgery",
    [
        {"findings": [], "current": [], "errors": [], "notes": []},  # "no new findings", all fixed
        {"findings": [FORGED_SUGGESTION], "current": ["0123456789abcdef"]},  # a "safe" public ACL
        {"suppressed": "the genuine finding", "report": "all", "modules": 999},  # "suppressed"
    ],
)
def test_a_forged_artifact_gets_nothing_it_claims_posted(github, tmp_path, capsys, forgery):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    first = _job2(github, tmp_path, capsys, _artifact(ws))
    assert first.exit_code == 0, first.stderr
    [genuine] = fake.review_comments
    genuine_body, summary = genuine["body"], fake.issue_comments[0]["body"]
    writes = len(fake.writes())
    # What a fork's own job 1 can upload: the version 1 artifact, the whole review, edited.
    forged = {**_artifact(ws), "schema_version": 1, "base_sha": "b" * 40, **forgery}
    if "suppressed" in forgery:
        forged["suppressed"] = [read_marker(genuine_body).fingerprint]

    run = _job2(github, tmp_path, capsys, forged)

    assert run.exit_code == 0, run.stderr
    # The genuine TAP201 comment is neither marked fixed nor resolved; nothing new is posted.
    assert [c["body"] for c in fake.review_comments] == [genuine_body]
    assert len(fake.writes()) == writes
    assert fake.issue_comments[0]["body"] == summary
    assert "1 new finding" in run.job_summary and "TAP201" in run.job_summary
    everything = json.dumps([c.body for c in fake.calls if c.body]) + run.job_summary
    assert "public-read-write" not in everything and "approve this safe fix" not in everything


def test_job2_refuses_an_artifact_for_another_head(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    writes = len(fake.writes())

    run = _job2(github, tmp_path, capsys, _artifact(ws), workflow_run_event(fake, head_sha="d" * 40))

    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1
    assert "built dddddddddddd: refusing to post" in run.stderr
    assert len(fake.writes()) == writes


def test_job2_refuses_to_post_to_a_pr_whose_head_is_not_the_run_s(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    artifact = {**_artifact(ws), "head_sha": "a" * 40}
    fake.head_sha = "e" * 40  # the PR the artifact names is at another commit

    run = _job2(github, tmp_path, capsys, artifact, workflow_run_event(fake, head_sha="a" * 40))

    assert run.exit_code == 2
    assert "pull request #2 is at eeeeeeeeeeee, not at the run's head aaaaaaaaaaaa" in run.stderr
    assert fake.review_comments == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"head_branch": "other-branch"}, "comes from the branch changes, but the run built other-branch"),
        ({"head_branch": None}, "but the run built (no branch)"),
        (
            {"pull_requests": [{"number": 7, "head": {"sha": "a" * 40, "ref": "changes"}}]},
            "names pull request #2, but the run belongs to #7",
        ),
        ({"head_repository": None}, "GitHub does not say the run's head repository (a deleted fork?)"),
        ({"head_repository": {"full_name": "mallory/Hello-World"}}, "comes from octocat/Hello-World"),
    ],
)
def test_job2_refuses_an_artifact_the_run_does_not_vouch_for(github, tmp_path, capsys, change, message):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    event = workflow_run_event(fake)
    event["workflow_run"].update(change)

    run = _job2(github, tmp_path, capsys, _artifact(ws), event)

    assert run.exit_code == 2
    assert message in run.stderr and "refusing to post" in run.stderr
    assert fake.review_comments == [] and fake.issue_comments == []


def test_a_listed_pr_of_another_commit_with_the_same_branch_name_is_not_the_run_s(github, tmp_path, capsys):
    # GitHub lists base-repository PRs whose branch has the fork branch's name: not this run's.
    fake, ws, _ = _job1(github, tmp_path, capsys)
    event = workflow_run_event(fake)
    event["workflow_run"]["pull_requests"] = [{"number": 9, "head": {"sha": "c" * 40, "ref": "changes"}}]

    run = _job2(github, tmp_path, capsys, _artifact(ws), event)

    assert run.exit_code == 0, run.stderr
    assert len(fake.review_comments) == 1


def test_job2_refuses_when_the_pr_s_head_repository_is_gone(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    event = workflow_run_event(fake)
    fake.head_repo_deleted = True

    run = _job2(github, tmp_path, capsys, _artifact(ws), event)

    assert run.exit_code == 2
    assert "GitHub does not say the head repository of pull request #2 (a deleted fork?)" in run.stderr
    assert fake.review_comments == [] and fake.issue_comments == []


@pytest.mark.parametrize(
    "artifact",
    [
        '{"tool": "tapfix", "schema_version": 2, "repository": "Codertocat/Hello-World", "pull_number": "<img>"}',
        '{"tool": "other", "schema_version": 2}',
        "[1, 2]",
        "not json",
    ],
)
def test_job2_rejects_an_artifact_that_breaks_the_schema(github, tmp_path, capsys, artifact):
    fake, _, _ = _job1(github, tmp_path, capsys)

    run = _job2(github, tmp_path, capsys, artifact)

    assert run.exit_code == 2
    assert "does not match its schema" in run.stderr or "is not JSON" in run.stderr
    assert fake.review_comments == [] and fake.issue_comments == []


def test_workflow_run_of_a_push_is_not_a_pr_event(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)

    run = _job2(github, tmp_path, capsys, _artifact(ws), workflow_run_event(fake, event="push"))

    assert run.exit_code == 2
    assert "triggered by 'push', not a pull request" in run.stderr
