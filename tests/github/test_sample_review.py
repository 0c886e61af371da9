"""The review of the example stack that docs/sample-review.md shows (regenerate it with
`python -m tests.github.sample_review`)."""

from __future__ import annotations

from tests.github.sample_review import markdown, run_sample


def test_example_stack_pr_gets_suggestions_patches_and_one_summary(tmp_path):
    sample = run_sample(tmp_path)

    assert sample.exit_code == 1
    with_suggestion = sample.with_suggestion()
    assert (with_suggestion["path"], with_suggestion["line"]) == ("examples/aws-stack/s3.tf", 13)
    assert '```suggestion\n}\n\nresource "aws_s3_bucket_versioning" "logs" {' in with_suggestion["body"]
    # TAP202 inserts after the same closing brace as TAP201: one suggestion per line, so its fix is
    # the patch, with the command that commits it
    patch_only = sample.without_suggestion()
    assert (patch_only["path"], patch_only["line"]) == ("examples/aws-stack/s3.tf", 6)
    assert "```diff\n--- a/examples/aws-stack/s3.tf" in patch_only["body"]
    assert "Comment `/tapfix TAP202` to commit it" in patch_only["body"]
    [redis] = [c for c in sample.fake.review_comments if c["path"].endswith("redis.tf")]
    assert "```diff\n--- a/examples/aws-stack/redis.tf" in redis["body"]  # two places, 7 lines apart
    assert "`/tapfix TAP211 --unsafe`" in redis["body"]
    [summary] = sample.fake.issue_comments
    assert summary["body"].startswith("<!-- tapfix:v1 summary -->\n## tapfix: ")
    assert "pre-existing findings" in summary["body"]
    assert summary["body"].count("| [inline comment](") == len(sample.fake.review_comments)
    assert "### Summary comment" in markdown(sample)
