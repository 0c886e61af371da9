"""`/tapfix` on a pull request, end to end in-process: the action's entry point on an
`issue_comment` event, against the fake GitHub, which checks every request body against GitHub's
OpenAPI description (closed schemas), checks its own answers against the response schemas, and
keeps a real Git object store, so the commit's tree can be read back file by file."""

from __future__ import annotations

import subprocess

import pytest

from bot.command_line import main as tapfix_cli
from tests.github.conftest import run_action
from tests.github.fake_github import Fault
from tests.github.pr import write_tree
from tests.github.tapfix_command_pr import (
    BUCKET,
    CONFIG,
    MAIN,
    VERSIONING,
    comment_event,
    default_branch,
    files_after,
    git_writes,
    open_pr,
)

HEAD = {"infra/main.tf": MAIN, "infra/s3.tf": BUCKET}
BASE = {"infra/main.tf": MAIN}
COMMIT_STEPS = [
    "git/create-blob",
    "git/create-tree",
    "git/create-commit",
    "git/update-ref",
]
SSH_WORLD = """\
resource "aws_security_group" "bastion" {
  name_prefix = "bastion-"
  description = "Bastion host"
  vpc_id      = "vpc-0abc1234"
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "0.0.0.0/0"
}
"""
# An NLB listener on port 22: TAP102's fix (open 22 to the world on the LB's group) would bring
# in TAP103, so verification rejects it.
BASTION_NLB = """\
resource "aws_security_group" "nlb" {
  name_prefix = "bastion-nlb-"
  description = "Bastion load balancer"
  vpc_id      = "vpc-0abc1234"
}

resource "aws_lb" "bastion" {
  name               = "bastion"
  load_balancer_type = "network"
  security_groups    = [aws_security_group.nlb.id]
  subnets            = ["subnet-0abc1234", "subnet-0def5678"]
}

resource "aws_lb_target_group" "ssh" {
  name     = "bastion-ssh"
  port     = 22
  protocol = "TCP"
  vpc_id   = "vpc-0abc1234"
}

resource "aws_lb_listener" "ssh" {
  load_balancer_arn = aws_lb.bastion.arn
  port              = 22
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ssh.arn
  }
}
"""


def _run(github, tmp_path, capsys, body="/tapfix", default=None, **event):
    workspace = default_branch(tmp_path, default if default is not None else BASE)
    event_payload = comment_event(github.fake, body, **event)
    return run_action(tmp_path, capsys, github.fake, workspace, event_payload, "issue_comment")


def _reply(fake) -> str:
    [comment] = fake.issue_comments
    return comment["body"]


def _tapfix_fix_locally(tmp_path, head: dict[str, str], *extra: str) -> dict[str, str]:
    """What `tapfix fix` writes for the same files and config: /tapfix must commit exactly that."""
    local = write_tree(tmp_path / "local", {**head, ".tapfix.yml": CONFIG})
    assert tapfix_cli(["fix", str(local), *extra]) in (0, 1)
    return {p: (local / p).read_text() for p in head}


# --- committing ----------------------------------------------------------------------------------


def test_maintainer_gets_one_commit_on_the_exact_head_with_only_the_fixed_file_changed(
    github, tmp_path, capsys
):
    fake = github.fake
    head = {**HEAD, "infra/README.md": "# infra\n", "scripts/plan.sh": "#!/bin/sh\nterraform plan\n"}
    open_pr(fake, BASE, head, modes={"scripts/plan.sh": "100755"})
    before = files_after(fake)
    expected_s3 = _tapfix_fix_locally(tmp_path, {k: v for k, v in head.items() if k.endswith(".tf")})[
        "infra/s3.tf"
    ]

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 0, run.stderr
    tip = fake.git.refs["heads/changes"]
    commit = fake.git.commits[tip]
    assert commit["parents"] == ["a" * 40]  # on top of the head the fixes were computed from
    after = files_after(fake)
    assert after["infra/s3.tf"] == ("100644", expected_s3.encode())
    assert "aws_s3_bucket_versioning" in expected_s3 and "aws_s3_bucket_public_access_block" in expected_s3
    assert {p: v for p, v in after.items() if p != "infra/s3.tf"} == {
        p: v for p, v in before.items() if p != "infra/s3.tf"
    }
    assert after["scripts/plan.sh"][0] == "100755"
    assert commit["message"] == (
        "tapfix: fix TAP201, TAP202 in 1 file\n\n"
        "- TAP201 aws_s3_bucket.logs (infra/s3.tf)\n"
        "- TAP202 aws_s3_bucket.logs (infra/s3.tf)\n\n"
        "Requested by octocat with `/tapfix`: "
        "https://github.com/Codertocat/Hello-World/pull/2#issuecomment-492700400\n"
    )
    assert [c.operation for c in fake.writes()] == [
        "reactions/create-for-issue-comment",
        *COMMIT_STEPS,
        "issues/create-comment",
    ]
    [update] = [c for c in fake.calls if c.operation == "git/update-ref"]
    assert update.body == {"sha": tip, "force": False}
    assert [r["content"] for r in fake.reactions] == ["eyes"]
    reply = _reply(fake)
    assert reply.startswith("<!-- tapfix:v1 command=492700400 reply=")
    assert "### tapfix: 2 fixes committed" in reply
    assert f"[`{tip[:7]}`](https://github.com/Codertocat/Hello-World/commit/{tip}) on `changes`" in reply
    assert "| [TAP201](" in reply and "| [TAP202](" in reply
    assert "| `aws_s3_bucket.logs` | [`infra/s3.tf:1`](" in reply
    assert "do not start new workflow runs" in reply
    assert run.outputs["command-result"] == "committed" and run.outputs["commit"] == tip
    assert "### tapfix: 2 fixes committed" in run.job_summary


def test_files_are_read_at_the_head_sha_not_from_the_default_branch_workspace(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    # The workspace holds a different (default-branch) s3.tf: it must not be what gets fixed.
    stale = {**BASE, "infra/s3.tf": BUCKET.replace("acme-logs", "stale-default-branch")}

    _run(github, tmp_path, capsys, default=stale)

    reads = [c for c in fake.calls if c.operation == "repos/get-content"]
    assert reads and all(c.query.get("ref") == ["a" * 40] for c in reads)
    assert b'bucket = "acme-logs"' in files_after(fake)["infra/s3.tf"][1]
    assert b"stale-default-branch" not in files_after(fake)["infra/s3.tf"][1]


def test_crlf_line_endings_bom_and_executable_mode_are_kept(github, tmp_path, capsys):
    fake = github.fake
    crlf = ("\ufeff" + BUCKET).replace("\n", "\r\n").encode()
    open_pr(fake, BASE, {**BASE, "infra/s3.tf": crlf}, modes={"infra/s3.tf": "100755"})

    run = _run(github, tmp_path, capsys, "/tapfix TAP201")

    assert run.exit_code == 0, run.stderr
    mode, data = files_after(fake)["infra/s3.tf"]
    assert mode == "100755"
    assert data == ("\ufeff" + BUCKET + VERSIONING).replace("\n", "\r\n").encode()
    blobs = [c.body for c in fake.calls if c.operation == "git/create-blob"]
    assert [b["encoding"] for b in blobs] == ["base64"]  # bytes arrive as they are


def test_rule_filter_applies_only_the_named_rules(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)

    run = _run(github, tmp_path, capsys, "/tapfix tap201")

    assert run.exit_code == 0, run.stderr
    assert files_after(fake)["infra/s3.tf"][1].decode() == BUCKET + VERSIONING
    message = fake.git.commits[fake.git.refs["heads/changes"]]["message"]
    assert message.startswith("tapfix: fix TAP201 in 1 file\n\n- TAP201 aws_s3_bucket.logs (infra/s3.tf)\n\n")
    assert "with `/tapfix TAP201`" in message
    reply = _reply(fake)
    assert "### tapfix: 1 fix committed" in reply
    assert "TAP202" not in reply  # not asked for: neither fixed nor listed as skipped


def test_unsafe_fixes_are_skipped_with_the_reason_then_applied_with_unsafe(github, tmp_path, capsys):
    fake = github.fake
    head = {**HEAD, "infra/sg.tf": SSH_WORLD}
    open_pr(fake, BASE, head)

    _run(github, tmp_path, capsys, "/tapfix")

    reply = _reply(fake)
    row = next(line for line in reply.splitlines() if "[TAP103]" in line)
    assert "`aws_vpc_security_group_ingress_rule.ssh`" in row
    assert "unsafe: the fix changes behaviour; `/tapfix --unsafe` applies it" in row
    assert "infra/variables.tf" not in files_after(fake)
    first = fake.git.refs["heads/changes"]

    fake.issue_comments.clear()
    run = _run(github, tmp_path, capsys, "/tapfix --unsafe TAP103", comment_id=492700401)

    assert run.exit_code == 0, run.stderr
    after = files_after(fake)
    assert fake.git.commits[fake.git.refs["heads/changes"]]["parents"] == [first]
    assert b"cidr_ipv4         = var.ssh_cidr_ipv4" in after["infra/sg.tf"][1]
    assert after["infra/variables.tf"][0] == "100644"  # a file the fix creates
    assert after["infra/variables.tf"][1].startswith(b'variable "ssh_cidr_ipv4" {\n')
    assert "### tapfix: 1 fix committed" in _reply(fake)


def test_fix_that_fails_verification_is_skipped_with_the_reason(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, {**HEAD, "infra/nlb.tf": BASTION_NLB})

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 0, run.stderr
    assert files_after(fake)["infra/nlb.tf"][1].decode() == BASTION_NLB  # untouched
    reply = _reply(fake)
    assert "### tapfix: 2 fixes committed" in reply  # the bucket's
    row = next(line for line in reply.splitlines() if "[TAP102]" in line)
    assert "`aws_lb_listener.ssh`" in row
    assert "the fix failed verification: the edit would introduce TAP103" in row


def test_fixable_finding_outside_the_changed_files_is_listed_not_fixed(github, tmp_path, capsys):
    fake = github.fake
    old_bucket = BUCKET.replace('"logs"', '"archive"').replace("acme-logs", "acme-archive")
    base = {"infra/archive.tf": old_bucket}
    open_pr(fake, base, {**base, "infra/s3.tf": BUCKET})

    _run(github, tmp_path, capsys, "/tapfix TAP201", default=base)

    assert files_after(fake)["infra/archive.tf"][1].decode() == old_bucket
    reply = _reply(fake)
    assert (
        "<details><summary>1 more finding with a fix in 1 file this PR does not change: "
        "left alone (<code>tapfix fix</code> applies them locally)</summary>\n\n"
        "- `infra/archive.tf`: [TAP201](https://github.com/tapfix/tapfix/blob/main/docs/rules/TAP201.md)\n"
    ) in reply
    assert "### tapfix: 1 fix committed" in reply


# --- replies without a commit --------------------------------------------------------------------


def test_diff_replies_with_a_patch_that_git_applies_and_commits_nothing(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)

    run = _run(github, tmp_path, capsys, "/tapfix diff")

    assert run.exit_code == 0, run.stderr
    assert git_writes(fake) == []
    assert fake.git.refs["heads/changes"] == "a" * 40
    reply = _reply(fake)
    assert "### tapfix: 2 fixes as a patch" in reply
    assert "```diff\ndiff --git a/infra/s3.tf b/infra/s3.tf\n--- a/infra/s3.tf\n+++ b/infra/s3.tf\n" in reply
    assert "run `git apply tapfix.patch`" in reply
    assert "| Fixed |" not in reply  # the patch only
    patch = reply.split("```diff\n", 1)[1].split("\n```", 1)[0] + "\n"
    checkout = write_tree(tmp_path / "checkout", HEAD)
    subprocess.run(["git", "init", "-q"], cwd=checkout, check=True)
    subprocess.run(["git", "apply"], cwd=checkout, input=patch, text=True, check=True)
    assert (checkout / "infra/s3.tf").read_text() == _tapfix_fix_locally(tmp_path, HEAD)["infra/s3.tf"]
    assert run.outputs["command-result"] == "patch" and run.outputs["commit"] == ""


def test_outsider_gets_a_polite_reply_and_nothing_else(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    fake.permissions["mallory"] = "read"

    run = _run(github, tmp_path, capsys, "/tapfix", login="mallory")

    assert run.exit_code == 0
    assert fake.operations() == ["repos/get-collaborator-permission-level", "issues/create-comment"]
    assert fake.reactions == []
    reply = _reply(fake)
    assert "### tapfix: sorry, you cannot run this command" in reply
    assert "Only people with write, maintain or admin permission on Codertocat/Hello-World" in reply
    assert "mallory has read access" in reply
    assert run.outputs["command-result"] == "refused"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("maintain", True),
        ("write", True),
        ("triage", False),
        ("read", False),
        ("missing", False),
    ],
)
def test_permission_comes_from_the_api_not_author_association(github, tmp_path, capsys, role, allowed):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    fake.permissions["dana"] = role
    event = comment_event(fake, "/tapfix diff", login="dana")
    event["comment"]["author_association"] = "OWNER"  # a hint GitHub sends; never trusted

    run = run_action(tmp_path, capsys, fake, default_branch(tmp_path, BASE), event, "issue_comment")

    assert run.outputs["command-result"] == ("patch" if allowed else "refused")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"user_type": "Bot", "login": "renovate[bot]"}, "the comment is by a bot (renovate[bot])"),
        ({"login": "github-actions[bot]"}, "the comment is by a bot (github-actions[bot])"),
        ({"action": "edited"}, "the comment was edited, not created"),
        ({"action": "deleted"}, "the comment was deleted, not created"),
        ({"on_pull_request": False}, "the comment is on an issue, not a pull request"),
        ({"body": "LGTM, thanks! /tapfix later"}, "the comment is not a /tapfix command"),
        ({"body": "/tapfixes"}, "the comment is not a /tapfix command"),
    ],
)
def test_bot_comments_edits_deletions_and_other_comments_send_no_request(
    github, tmp_path, capsys, change, why
):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    body = change.pop("body", "/tapfix")

    run = _run(github, tmp_path, capsys, body, **change)

    assert run.exit_code == 0
    assert fake.calls == []
    assert run.stdout.strip() == f"tapfix: nothing to do: {why}"
    assert run.outputs["command-result"] == "ignored"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("/tapfix help", None),
        ("/tapfix fxi", "tapfix did not understand that: unknown sub-command `fxi`."),
        ("/tapfix TAP999", "tapfix did not understand that: unknown rule `TAP999`."),
    ],
)
def test_help_and_unknown_sub_commands_get_the_help_and_nothing_else(github, tmp_path, capsys, body, problem):
    fake = github.fake
    open_pr(fake, BASE, HEAD)

    run = _run(github, tmp_path, capsys, body)

    assert run.exit_code == 0
    assert [c.operation for c in fake.calls] == [
        "reactions/create-for-issue-comment",
        "issues/create-comment",
    ]
    reply = _reply(fake)
    assert "### tapfix commands" in reply and "| `/tapfix diff` |" in reply
    assert (problem in reply) if problem else ("did not understand" not in reply)


def test_fork_without_maintainer_edits_gets_the_patch(github, tmp_path, capsys):
    fake = github.fake
    fake.head_repo = "octocat/Hello-World"
    open_pr(fake, BASE, HEAD)

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 0
    assert git_writes(fake) == []
    reply = _reply(fake)
    assert "### tapfix: 2 fixes as a patch" in reply
    assert "comes from the fork octocat/Hello-World, which does not allow edits by maintainers" in reply
    assert "Nothing was committed." in reply
    assert "```diff\n" in reply and "| Fixed |" in reply


def test_fork_with_maintainer_edits_the_token_cannot_reach_gets_the_patch(github, tmp_path, capsys):
    fake = github.fake
    fake.head_repo = "octocat/Hello-World"
    fake.maintainer_can_modify = True
    open_pr(fake, BASE, HEAD)

    _run(github, tmp_path, capsys)

    tried = [c for c in fake.calls if c.operation == "git/get-ref"]
    assert [c.path for c in tried] == ["/repos/octocat/Hello-World/git/ref/heads/changes"]
    assert tried[0].status == 404
    reply = _reply(fake)
    assert "tapfix cannot push to octocat/Hello-World" in reply and "```diff\n" in reply


def test_fork_with_maintainer_edits_and_access_gets_the_commit_in_the_fork(github, tmp_path, capsys):
    fake = github.fake
    fake.head_repo = "octocat/Hello-World"
    fake.maintainer_can_modify = fake.fork_writable = True
    open_pr(fake, BASE, HEAD)

    run = _run(github, tmp_path, capsys)

    assert run.outputs["command-result"] == "committed"
    update = next(c for c in fake.calls if c.operation == "git/update-ref")
    assert update.path == "/repos/octocat/Hello-World/git/refs/heads/changes"
    assert "(https://github.com/octocat/Hello-World/commit/" in _reply(fake)


def test_token_without_contents_write_gets_the_patch(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    forbidden = {"message": "Resource not accessible by integration", "documentation_url": "x"}
    fake.fail("git/create-blob", 403, body=forbidden)

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 0
    assert fake.git.refs["heads/changes"] == "a" * 40
    reply = _reply(fake)
    assert "tapfix cannot push to Codertocat/Hello-World" in reply
    assert "`permissions: contents: write`" in reply and "```diff\n" in reply


def test_symbolic_link_is_never_written_through(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD, modes={"infra/s3.tf": "120000"})

    _run(github, tmp_path, capsys)

    assert [op for op in git_writes(fake)] == []
    reply = _reply(fake)
    assert "infra/s3.tf is a symbolic link in the head commit" in reply and "```diff\n" in reply


def test_branch_moved_between_reading_and_writing_writes_nothing(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    pushed: list[str] = []
    fake.hooks["git/get-ref"] = lambda: pushed.append(fake.push_commit({"infra/new.tf": b"# later\n"}))

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 0
    assert git_writes(fake) == []
    assert fake.git.refs["heads/changes"] == pushed[0]
    reply = _reply(fake)
    assert "### tapfix: the branch moved, nothing was committed" in reply
    assert f"`changes` is now at `{pushed[0][:7]}`, not at `aaaaaaa`" in reply
    assert "Run `/tapfix` again" in reply
    assert run.outputs["command-result"] == "branch-moved"


def test_push_just_before_the_ref_update_is_not_overwritten(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    pushed: list[str] = []
    fake.hooks["git/update-ref"] = lambda: pushed.append(fake.push_commit({"infra/new.tf": b"# later\n"}))

    run = _run(github, tmp_path, capsys)

    update = next(c for c in fake.calls if c.operation == "git/update-ref")
    assert update.status == 422 and update.body["force"] is False
    assert fake.git.refs["heads/changes"] == pushed[0]  # their commit stays; ours is dangling
    assert "### tapfix: the branch moved, nothing was committed" in _reply(fake)
    assert run.outputs["command-result"] == "branch-moved"


def test_502_on_the_ref_update_after_it_was_applied_still_reports_the_commit(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    fake.faults.append(Fault("git/update-ref", 502, apply_first=True))

    run = _run(github, tmp_path, capsys)

    tip = fake.git.refs["heads/changes"]
    assert fake.git.commits[tip]["parents"] == ["a" * 40]
    assert run.outputs["command-result"] == "committed" and run.outputs["commit"] == tip
    assert len(fake.issue_comments) == 1


def test_nothing_to_fix(github, tmp_path, capsys):
    fake = github.fake
    clean = {"infra/main.tf": MAIN.replace("1.5", "1.6"), "infra/notes.md": "notes\n"}
    open_pr(fake, BASE, clean)

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 0
    assert git_writes(fake) == []
    reply = _reply(fake)
    assert "### tapfix: nothing to fix" in reply
    assert "no finding in the changed files has a fix tapfix may apply." in reply
    assert run.outputs["command-result"] == "nothing-to-fix"


def test_pr_without_terraform_changes_has_nothing_to_fix(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, {"README.md": "a\n"}, {"README.md": "b\n"})

    _run(github, tmp_path, capsys)

    assert "this pull request changes no `.tf` files." in _reply(fake)
    assert not any(c.operation == "repos/get-content" for c in fake.calls)


def test_closed_pull_request_is_left_alone(github, tmp_path, capsys, monkeypatch):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    pull = fake.pull
    monkeypatch.setattr(fake, "pull", lambda: {**pull(), "state": "closed"})

    run = _run(github, tmp_path, capsys)

    assert git_writes(fake) == []
    assert "### tapfix: this pull request is closed" in _reply(fake)
    assert run.outputs["command-result"] == "closed"


def test_github_error_mid_command_is_replied_and_exits_2(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    fake.fail("git/get-commit", 500, times=10)

    run = _run(github, tmp_path, capsys)

    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and "HTTP 500" in run.stderr
    assert fake.git.refs["heads/changes"] == "a" * 40
    reply = _reply(fake)
    assert "### tapfix: the command failed" in reply and "Nothing was committed." in reply


def test_comment_text_is_escaped_in_the_reply(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)

    _run(github, tmp_path, capsys, "/tapfix @everyone<img src=x>")

    reply = _reply(fake)
    assert "`@everyone<img`" in reply  # inside a code span: no mention, no HTML
    assert "<img" not in reply.replace("`@everyone<img`", "")


def test_rule_turned_off_in_the_default_branch_config_is_named(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    workspace = default_branch(tmp_path, BASE, config="ignore: [TAP201]\n")
    event = comment_event(fake, "/tapfix TAP201")

    run_action(tmp_path, capsys, fake, workspace, event, "issue_comment")

    assert git_writes(fake) == []
    assert (
        "no finding in the changed files has a fix tapfix may apply for TAP201. "
        "TAP201 is turned off in the default branch's `.tapfix.yml`."
    ) in _reply(fake)
