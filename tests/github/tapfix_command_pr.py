"""A pull request and a `/tapfix` comment on it, for the command's tests: the head commit lives in
the fake GitHub's Git store (and its contents API), the comment event is derived from
@octokit/webhooks-examples' `issue_comment.created` (which is on an issue: a PR comment also has
`issue.pull_request`), and the workspace is the default branch, as in a real `issue_comment` run."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.github.fake_github import FakeGitHub
from tests.github.pr import WEBHOOKS, changed_entries, write_tree

MAINTAINER = "octocat"
# Rules whose fixes the command's tests rely on (the example stack's other rules change often).
CONFIG = "select: [TAP101, TAP102, TAP103, TAP201, TAP202]\n"

BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
VERSIONING = """
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
PUBLIC_ACCESS_BLOCK = """
resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""


def comment_event(
    fake: FakeGitHub,
    body: str = "/tapfix",
    login: str = MAINTAINER,
    user_type: str = "User",
    action: str = "created",
    on_pull_request: bool = True,
    comment_id: int = 492700400,
) -> dict:
    event = copy.deepcopy(json.loads((WEBHOOKS / "issue_comment.created.json").read_text()))
    event["action"] = action
    issue = event["issue"]
    issue["number"] = fake.number
    if on_pull_request:
        base = f"https://github.com/{fake.repository}/pull/{fake.number}"
        issue["pull_request"] = {
            "url": f"https://api.github.com/repos/{fake.repository}/pulls/{fake.number}",
            "html_url": base,
            "diff_url": base + ".diff",
            "patch_url": base + ".patch",
            "merged_at": None,
        }
    comment = event["comment"]
    comment["id"] = comment_id
    comment["body"] = body
    comment["user"]["login"] = login
    comment["user"]["type"] = user_type
    comment["html_url"] = f"https://github.com/{fake.repository}/pull/{fake.number}#issuecomment-{comment_id}"
    event["repository"]["full_name"] = fake.repository
    return event


def open_pr(
    fake: FakeGitHub,
    base: dict[str, str],
    head: dict[str, str | bytes],
    modes: dict[str, str] | None = None,
) -> None:
    """`head` is the PR's head commit (text or exact bytes); the maintainer may write."""
    texts = {p: t if isinstance(t, str) else t.decode("utf-8") for p, t in head.items()}
    fake.files = changed_entries(base, texts)
    fake.seed_repository({p: t.encode() if isinstance(t, str) else t for p, t in head.items()}, modes)
    fake.permissions.setdefault(MAINTAINER, "write")


def default_branch(tmp_path: Path, files: dict[str, str] | None = None, config: str = CONFIG) -> Path:
    """The workspace of an issue_comment run: the default branch, never the PR head."""
    return write_tree(tmp_path / "default-branch", {".tapfix.yml": config, **(files or {})})


def files_after(fake: FakeGitHub) -> dict[str, tuple[str, bytes]]:
    """path -> (mode, content) at the tip of the PR branch."""
    return fake.git.files_at(fake.git.refs[f"heads/{fake.head_ref}"])


def git_writes(fake: FakeGitHub) -> list[str]:
    return [c.operation for c in fake.writes() if c.operation.startswith("git/")]
