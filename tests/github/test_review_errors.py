"""The PR summary sorts errors by their kind: a file tapfix could not read is not a check that did not
finish, whatever the folder or file is called."""

from __future__ import annotations

import fixers.engine
from fixers.rules import RuleUnit, all_rules
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree

BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def test_the_summary_tells_unreadable_files_from_rules_that_did_not_finish(
    github, tmp_path, capsys, monkeypatch
):
    def broken(module, options):
        raise ValueError("boom")

    units = {u.rule.id: u for u in all_rules()}
    crashing = RuleUnit(units["TAP202"].rule, broken, units["TAP202"].source)
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: (units["TAP000"], units["TAP201"], crashing))
    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)
    fake = github.fake
    # the module's folder is named like a file: only the error's kind says what it is
    head = {"net.tf/main.tf": BUCKET, "net.tf/broken.tf": "locals {\n  a = \n}\n"}
    fake.files = changed_entries({}, head)
    for path, text in head.items():
        fake.contents[(fake.head_sha, path)] = text.encode()
    workspace = write_tree(tmp_path / "ws", head)

    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake))

    [summary] = [c["body"] for c in fake.issue_comments]
    unread, _, unfinished = summary.partition("**Checks that did not finish**")
    assert "**Files tapfix could not read:**" in unread and "net.tf/broken.tf:2" in unread
    assert "TAP202" not in unread
    assert "internal error in rule TAP202: ValueError: boom" in unfinished
    assert "broken.tf" not in unfinished
    assert run.exit_code == 2  # the review is incomplete
