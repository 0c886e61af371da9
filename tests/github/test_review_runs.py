"""The action on a pull request, end to end in-process: the fake GitHub checks every request
against GitHub's OpenAPI/GraphQL descriptions and the diff rules (see conftest.py)."""

from __future__ import annotations

from tests.github.conftest import run_action
from tests.github.fake_github import Fault
from tests.github.pr import SELECT_TAP201, changed_entries, pull_request_event, write_tree

MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
VERSIONING = """
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
SUGGESTION = """\
```suggestion
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}
```"""


def _pr(github, tmp_path, base: dict[str, str], head: dict[str, str], renames=None):
    fake = github.fake
    fake.files = changed_entries(base, head, renames)
    workspace = write_tree(tmp_path / "ws", {**head, ".tapfix.yml": SELECT_TAP201})
    return fake, workspace


def test_first_run_posts_one_inline_suggestion_and_one_summary(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 1  # one high finding, fail-on defaults to high
    [comment] = fake.review_comments
    assert (comment["path"], comment["line"], comment["start_line"], comment["side"]) == (
        "infra/s3.tf",
        3,
        None,
        "RIGHT",
    )
    assert comment["body"].startswith("<!-- tapfix:v1 fp=")
    assert SUGGESTION in comment["body"]
    [review] = fake.reviews
    assert review["commit_id"] == fake.head_sha
    [summary] = fake.issue_comments
    assert summary["body"].startswith("<!-- tapfix:v1 summary -->\n## tapfix: 1 new finding (1 high)")
    assert f"[inline comment]({comment['html_url']})" in summary["body"]
    assert "## tapfix: 1 new finding (1 high)" in run.job_summary
    assert "| high | [TAP201]" in run.job_summary
    assert run.outputs["high"] == "1" and run.outputs["findings"] == "1"


def test_rerun_without_changes_posts_nothing_new(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))
    writes_before = len(fake.writes())

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert len(fake.reviews) == 1 and len(fake.review_comments) == 1 and len(fake.issue_comments) == 1
    assert fake.writes()[writes_before:] == []  # the summary is identical: not even an edit


def test_rerun_after_the_fix_marks_the_comment_fixed_and_resolves_its_thread(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))
    base = {"infra/main.tf": MAIN}
    head = {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET + VERSIONING}
    fake.push("c" * 40, changed_entries(base, head))
    write_tree(ws, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 0
    [comment] = fake.review_comments
    assert comment["body"].startswith("<!-- tapfix:v1 fp=")
    assert " fixed -->\n✅ **Fixed** at `ccccccc`" in comment["body"]
    assert [t["isResolved"] for t in fake.threads.values()] == [True]
    assert len(fake.reviews) == 1
    [summary] = fake.issue_comments
    assert "## tapfix: no new findings" in summary["body"]
    assert "1 finding commented earlier is fixed now." in summary["body"]


def test_fixed_comment_is_still_edited_when_the_token_may_not_use_graphql(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))
    fake.graphql_forbidden = True
    head = {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET + VERSIONING}
    fake.push("c" * 40, changed_entries({"infra/main.tf": MAIN}, head))
    write_tree(ws, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 0
    assert "✅ **Fixed**" in fake.review_comments[0]["body"]
    assert [t["isResolved"] for t in fake.threads.values()] == [False]


def test_finding_outside_the_diff_goes_to_the_summary_only(github, tmp_path, capsys):
    # The PR adds a tag far below the bucket's first line: the bucket line is not in the hunk.
    padding = "".join(f"# note {i}\n" for i in range(12))
    before = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n' + padding + "}\n"
    after = (
        'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n'
        + padding
        + '  tags = { Team = "a" }\n}\n'
    )
    fake, ws = _pr(github, tmp_path, {"infra/s3.tf": before}, {"infra/s3.tf": after})
    base_ws = {"infra/s3.tf": before}
    assert base_ws  # the finding exists at the base too, so report=all is needed to see it

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), report="all")

    assert fake.reviews == []
    [summary] = fake.issue_comments
    assert "| pre-existing |" in summary["body"]
    assert run.outputs["findings"] == "1" and run.outputs["new-findings"] == "0"
    assert run.exit_code == 1


def test_preexisting_findings_are_counted_not_commented(github, tmp_path, capsys):
    before = BUCKET
    after = BUCKET.replace('"acme-logs"', '"acme-logs-2"')
    fake, ws = _pr(github, tmp_path, {"infra/s3.tf": before}, {"infra/s3.tf": after})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 0
    assert fake.writes() == []  # nothing new: no comment (the job summary has the count)
    assert (
        "1 pre-existing finding (1 high) in the touched modules is on the base branch too" in run.job_summary
    )


def test_clean_pr_gets_no_comment_at_all(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {}, {"infra/main.tf": MAIN})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 0
    assert fake.writes() == []
    assert "## tapfix: no new findings" in run.job_summary


def test_variable_default_changed_elsewhere_is_new_and_names_the_line_that_caused_it(
    github, tmp_path, capsys
):
    variables = 'variable "versioning" {\n  type    = string\n  default = "Enabled"\n}\n'
    s3 = BUCKET + VERSIONING.replace('status = "Enabled"', "status = var.versioning")
    base = {"infra/variables.tf": variables, "infra/s3.tf": s3}
    head = {"infra/variables.tf": variables.replace('"Enabled"', '"Suspended"'), "infra/s3.tf": s3}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 1
    assert fake.reviews == []  # s3.tf is not in the diff
    [summary] = fake.issue_comments
    row = next(line for line in summary["body"].splitlines() if "TAP201" in line)
    assert "[`infra/s3.tf:9`](" in row
    assert "caused by [`infra/variables.tf:3`](https://github.com/Codertocat/Hello-World/blob/" in row
    assert "| not on the diff |" in row


def test_deleted_file_makes_a_new_finding_caused_by_the_deletion(github, tmp_path, capsys):
    base = {"infra/s3.tf": BUCKET, "infra/versioning.tf": VERSIONING.lstrip()}
    head = {"infra/s3.tf": BUCKET}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert [f["status"] for f in fake.files] == ["removed"]
    assert run.exit_code == 1
    row = next(line for line in fake.issue_comments[0]["body"].splitlines() if "TAP201" in line)
    assert "caused by deleting `infra/versioning.tf`" in row


def test_renamed_file_keeps_its_findings_identity(github, tmp_path, capsys):
    base = {"infra/s3.tf": BUCKET}
    head = {"infra/storage.tf": BUCKET.replace('"acme-logs"', '"acme-logs"  # renamed')}
    fake, ws = _pr(github, tmp_path, base, head, renames={"infra/storage.tf": "infra/s3.tf"})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert [(f["status"], f.get("previous_filename")) for f in fake.files] == [("renamed", "infra/s3.tf")]
    assert run.exit_code == 0  # the bucket's finding is pre-existing: same rule, module, resource
    assert fake.writes() == []
    assert "1 pre-existing finding" in run.job_summary


def test_three_pages_of_files_are_all_read(github, tmp_path, capsys):
    base = {f"docs/page{i:03}.md": "old\n" for i in range(230)} | {"infra/main.tf": MAIN}
    head = {f"docs/page{i:03}.md": "new\n" for i in range(230)} | {
        "infra/main.tf": MAIN,
        "infra/s3.tf": BUCKET,
    }
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    pages = [c.query.get("page", ["1"])[0] for c in fake.calls if c.operation == "pulls/list-files"]
    assert pages == ["1", "2", "3"]
    assert len(fake.review_comments) == 1  # infra/s3.tf sorts after docs/: it is on page 3
    assert run.exit_code == 1


def test_more_files_than_github_lists_are_noted(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    fake.changed_files = 3500

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert (
        "GitHub lists at most 3,000 changed files: 3499 files of this PR were not reviewed."
        in run.job_summary
    )


def test_502_then_success_is_retried_without_a_duplicate(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    fake.fail("pulls/list-files", 502)
    fake.fail("pulls/create-review", 502)  # nothing created: the recheck finds no review, POST again

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 1
    assert fake.operations().count("pulls/create-review") == 2
    assert len(fake.reviews) == 1 and len(fake.review_comments) == 1
    assert 1.0 in github.sleeps  # backoff


def test_502_after_github_created_the_review_is_not_posted_twice(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    fake.fail("pulls/create-review", 502, apply_first=True)

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert fake.operations().count("pulls/create-review") == 1
    assert "pulls/list-reviews" in fake.operations()
    assert len(fake.reviews) == 1 and len(fake.review_comments) == 1


def test_403_secondary_rate_limit_waits_retry_after_then_posts(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    fake.fail(
        "pulls/create-review",
        403,
        headers={"retry-after": "37"},
        body={
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        },
    )

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 1
    assert 37.0 in github.sleeps
    assert len(fake.reviews) == 1


def test_primary_rate_limit_waits_until_reset(github, tmp_path, capsys, monkeypatch):
    import time

    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)
    fake.fail(
        "pulls/get",
        403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000120"},
        body={"message": "API rate limit exceeded for installation ID 1."},
    )

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert 121.0 in github.sleeps


def test_content_creating_requests_are_spaced_a_second_apart(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert [c.operation for c in fake.writes()] == ["pulls/create-review", "issues/create-comment"]
    assert len(github.sleeps) == 1 and 0.5 < github.sleeps[0] <= 1.0


def test_inline_comment_github_rejects_with_422_moves_to_the_summary(github, tmp_path, capsys):
    two = BUCKET + '\nresource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n'
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": two})
    rejected = {
        "message": "Unprocessable Entity",
        "errors": ["Pull request review thread line must be part of the diff"],
    }
    fake.faults.append(
        Fault(
            "pulls/create-review",
            422,
            times=10,
            body=rejected,
            when=lambda body: any('"data"' in c["body"] or "data" in c["body"] for c in body["comments"]),
        )
    )

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert [c["line"] for c in fake.review_comments] == [3]  # the logs bucket's comment got through
    [summary] = fake.issue_comments
    row = next(line for line in summary["body"].splitlines() if "aws_s3_bucket.data" in line)
    assert "| GitHub rejected the inline comment |" in row
    assert "<details><summary>Fix for TAP201 at <code>infra/s3.tf:5</code>" in summary["body"]


def test_max_comments_caps_inline_comments_and_counts_the_rest(github, tmp_path, capsys):
    buckets = "\n".join(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "acme-{i}"\n}}\n' for i in range(4))
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": buckets})

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), max_comments="2")

    assert len(fake.review_comments) == 2
    summary = fake.issue_comments[0]["body"]
    assert summary.count("| over max-comments |") == 2
    assert (
        "found 2 new problems on the lines this PR changes (2 more in the summary comment)"
        in fake.reviews[0]["body"]
    )


def test_comment_mode_summary_posts_no_review(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})

    run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), comment_mode="summary")

    assert fake.reviews == []
    assert "| summary only |" in fake.issue_comments[0]["body"]


def test_comment_mode_off_and_fail_on_critical(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})

    run = run_action(
        tmp_path, capsys, fake, ws, pull_request_event(fake), comment_mode="off", fail_on="critical"
    )

    assert run.exit_code == 0
    assert fake.writes() == []
    assert "| not posted |" in run.job_summary


def test_fork_pr_degrades_to_the_job_summary_and_sarif(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    fake.head_repo = "octocat/Hello-World"
    fake.read_only = True

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), sarif_file="out/tapfix.sarif")

    assert run.exit_code == 1  # fail-on still decides; posting never fails the job
    assert fake.writes() == []
    assert "a fork PR gets a read-only token" in run.job_summary
    assert (ws / "out" / "tapfix.sarif").exists()
    assert run.outputs["sarif-file"] == "out/tapfix.sarif"


def test_read_only_token_on_a_same_repo_pr_is_not_a_failed_job(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    fake.read_only = True

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), fail_on="critical")

    assert run.exit_code == 0
    assert "| not posted |" in run.job_summary
    assert "cannot comment on this PR" in run.job_summary


def test_merge_commit_checkout_reads_changed_files_at_the_head(github, tmp_path, capsys):
    fake, ws = _pr(github, tmp_path, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET})
    (ws / "infra" / "s3.tf").write_text(
        "# a line from the base branch\n" + BUCKET
    )  # what a merge commit holds
    fake.contents[(fake.head_sha, "infra/s3.tf")] = BUCKET.encode()

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert [c["line"] for c in fake.review_comments] == [3]
    assert "were read at the head commit through the API" in run.job_summary
