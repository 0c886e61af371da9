"""`/tapfix` on the example stack's pull request, as docs/sample-tapfix.md shows it (regenerate it
with `python -m tests.github.sample_tapfix`)."""

from __future__ import annotations

from tests.github.sample_tapfix import HEAD_SHA, markdown, run_sample

CHANGED = {"examples/aws-stack/s3.tf", "examples/aws-stack/redis.tf"}


def test_example_stack_pr_gets_one_commit_touching_only_the_fixed_changed_files(tmp_path):
    sample = run_sample(tmp_path)

    assert sample.exit_code == 0
    assert sample.outputs["command-result"] == "committed"
    git = sample.fake.git
    assert git.commits[sample.commit]["parents"] == [HEAD_SHA]
    before, after = git.files_at(HEAD_SHA), git.files_at(sample.commit)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed and changed <= CHANGED
    assert b'resource "aws_s3_bucket_versioning" "logs"' in after["examples/aws-stack/s3.tf"][1]
    reply = sample.reply
    assert reply.startswith("<!-- tapfix:v1 command=2100000042 reply=")
    assert f"](https://github.com/acme/storefront-infra/commit/{sample.commit}) on `add-log-bucket`" in reply
    assert "| [TAP201](" in reply
    unsafe = next(line for line in reply.splitlines() if line.startswith("| [TAP211]("))
    assert "unsafe: the fix changes behaviour; `/tapfix --unsafe` applies it" in unsafe
    assert "this PR does not change: left alone" in reply
    diff = sample.diff()
    assert diff.startswith("--- a/examples/aws-stack/")
    assert '+resource "aws_s3_bucket_versioning" "logs" {' in diff
    text = markdown(sample)
    assert "## Reply comment\n\n````markdown\n<!-- tapfix:v1" in text and "## The commit's file diff" in text
