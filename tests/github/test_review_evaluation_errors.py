"""A value the evaluator cannot compute is unknown in the PR review too: the review reads the files a
module's file functions name (`referenced_files`) before any rule runs, and an error there ended the
whole review ("internal error: ZeroDivisionError", nothing posted)."""

from __future__ import annotations

from tests.engine.test_one_evaluator import INSTANCE
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree


def test_the_review_of_a_pr_with_a_division_by_zero_in_a_file_path_still_posts(github, tmp_path, capsys):
    fake = github.fake
    head = {"infra/main.tf": INSTANCE + '\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'}
    base = {"infra/main.tf": INSTANCE}
    fake.files = changed_entries(base, head)
    for ref, files in ((fake.head_sha, head), (fake.base_sha, base)):
        for path, text in files.items():
            fake.contents[(ref, path)] = text.encode()
    workspace = write_tree(tmp_path / "ws", head)

    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake))

    assert "internal error" not in run.stdout + run.stderr + run.job_summary
    assert run.exit_code in (0, 1)
    posted = [c["body"] for c in fake.issue_comments] + [r.get("body") or "" for r in fake.reviews]
    posted += [c["body"] for r in fake.reviews for c in r.get("comments", [])]
    assert any("TAP201" in body for body in posted)  # the new bucket's finding reached the PR
