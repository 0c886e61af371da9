"""The two-job mode for fork PRs: job 1 writes the review artifact, job 2 (workflow_run) posts it
only to the PR whose head matches the run, after validating the artifact against its schema."""

from __future__ import annotations

import json

from tests.github.conftest import run_action
from tests.github.pr import SELECT_TAP201, changed_entries, pull_request_event, workflow_run_event, write_tree

MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def _fork_pr(github, tmp_path):
    fake = github.fake
    fake.head_repo = "octocat/Hello-World"
    fake.files = changed_entries({"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    ws = write_tree(
        tmp_path / "ws", {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET, ".tapfix.yml": SELECT_TAP201}
    )
    return fake, ws


def _job1(github, tmp_path, capsys):
    fake, ws = _fork_pr(github, tmp_path)
    fake.read_only = True
    run = run_action(
        tmp_path, capsys, fake, ws, pull_request_event(fake), review_artifact="tapfix-review.json"
    )
    fake.read_only = False
    return fake, ws, run


def test_job1_writes_the_artifact_and_posts_nothing(github, tmp_path, capsys):
    fake, ws, run = _job1(github, tmp_path, capsys)

    assert run.exit_code == 1
    assert fake.writes() == []
    plan = json.loads((ws / "tapfix-review.json").read_text())
    assert (plan["repository"], plan["pull_number"], plan["head_sha"]) == (fake.repository, 2, fake.head_sha)
    [finding] = plan["findings"]
    assert finding["fix"]["suggestion"]["start_line"] == 3
    assert "The review was saved to the review artifact" in run.job_summary


def test_job2_posts_the_artifact_to_the_run_s_pull_request(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    post_ws = write_tree(tmp_path / "post", {})
    (post_ws / "tapfix-review.json").write_text((ws / "tapfix-review.json").read_text())

    run = run_action(
        tmp_path,
        capsys,
        fake,
        post_ws,
        workflow_run_event(fake),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )

    assert run.exit_code == 0, run.stderr
    [comment] = fake.review_comments
    assert comment["line"] == 3 and "```suggestion" in comment["body"]
    assert len(fake.issue_comments) == 1


def test_job2_refuses_an_artifact_for_another_head(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    writes = len(fake.writes())

    run = run_action(
        tmp_path,
        capsys,
        fake,
        ws,
        workflow_run_event(fake, head_sha="d" * 40),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )

    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1
    assert "built dddddddddddd: refusing to post" in run.stderr
    assert len(fake.writes()) == writes


def test_job2_refuses_to_post_to_a_pr_whose_head_is_not_the_run_s(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    plan = json.loads((ws / "tapfix-review.json").read_text())
    fake.head_sha = "e" * 40  # the PR the artifact names is at another commit
    (ws / "tapfix-review.json").write_text(json.dumps(plan))

    run = run_action(
        tmp_path,
        capsys,
        fake,
        ws,
        workflow_run_event(fake, head_sha="a" * 40),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )

    assert run.exit_code == 2
    assert "pull request #2 is at eeeeeeeeeeee, not at the run's head aaaaaaaaaaaa" in run.stderr
    assert fake.review_comments == []


def test_job2_rejects_an_artifact_that_breaks_the_schema(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    plan = json.loads((ws / "tapfix-review.json").read_text())
    plan["findings"][0]["message"] = "![x](https://evil.example/p.png)"
    plan["findings"][0]["rule_id"] = "<img src=x>"
    (ws / "tapfix-review.json").write_text(json.dumps(plan))

    run = run_action(
        tmp_path,
        capsys,
        fake,
        ws,
        workflow_run_event(fake),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )

    assert run.exit_code == 2
    assert "does not match its schema" in run.stderr and "findings.0.rule_id" in run.stderr
    assert fake.review_comments == []


def test_job2_escapes_artifact_text_and_drops_comments_off_the_diff(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)
    plan = json.loads((ws / "tapfix-review.json").read_text())
    plan["findings"][0]["message"] = "@octocat see [here](https://evil.example) <!-- tapfix:v1 summary -->"
    plan["findings"][0]["line"] = 40  # not in the diff: cannot become an inline comment
    plan["findings"][0]["fix"]["suggestion"] = None
    (ws / "tapfix-review.json").write_text(json.dumps(plan))

    run = run_action(
        tmp_path,
        capsys,
        fake,
        ws,
        workflow_run_event(fake),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )

    assert run.exit_code == 0
    assert fake.review_comments == []
    body = fake.issue_comments[0]["body"]
    assert "@\u200boctocat see \\[here\\](https:\u200b//evil.example)" in body
    assert "<!-- tapfix:v1 summary -->" not in body.split("\n", 1)[1]


def test_workflow_run_of_a_push_is_not_a_pr_event(github, tmp_path, capsys):
    fake, ws, _ = _job1(github, tmp_path, capsys)

    run = run_action(
        tmp_path,
        capsys,
        fake,
        ws,
        workflow_run_event(fake, event="push"),
        "workflow_run",
        review_artifact="tapfix-review.json",
    )

    assert run.exit_code == 2
    assert "triggered by 'push', not a pull request" in run.stderr
