"""`/tapfix` writes only plain paths inside the module it fixes: a resource label becomes part of a
file name (TAP507 moves a script to `templates/<label>-user-data.sh`), and the Git Data API takes
`infra/templates/../../../.github/workflows/x` as written. Against the fake GitHub, whose Git
store is real, so the commit can be read back."""

from __future__ import annotations

import pytest

from bot.github.client import GitHubClient
from bot.github.commit import GitData, UnsafePath, commit_files
from tests.github.conftest import run_action
from tests.github.fake_github import TOKEN
from tests.github.tapfix_command_pr import comment_event, default_branch, files_after, git_writes, open_pr

SCRIPT = "".join(f'echo "step {i}"\n' for i in range(25))
MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'


def _instance(label: str) -> str:
    return (
        f'resource "aws_instance" "{label}" {{\n'
        '  ami           = "ami-0123456789abcdef0"\n'
        '  instance_type = "t3.micro"\n'
        "  user_data     = <<EOF\n#!/bin/bash\n" + SCRIPT + "EOF\n}\n"
    )


def _command(github, tmp_path, capsys, head: dict[str, str]):
    fake = github.fake
    open_pr(fake, {"infra/main.tf": MAIN}, head)
    workspace = default_branch(tmp_path, {"infra/main.tf": MAIN}, config="select: [TAP507]\n")
    return run_action(tmp_path, capsys, fake, workspace, comment_event(fake), "issue_comment")


def test_a_label_that_climbs_out_of_the_module_writes_nothing(github, tmp_path, capsys):
    fake = github.fake
    head = {"infra/main.tf": MAIN, "infra/app.tf": _instance("../../../.github/workflows/pwn")}

    run = _command(github, tmp_path, capsys, head)

    assert run.exit_code == 0, run.stderr
    assert git_writes(fake) == []  # no blob, no tree entry, no commit, no ref update
    assert set(files_after(fake)) == set(head)
    [comment] = fake.issue_comments
    assert "### tapfix: the command failed" in comment["body"]
    assert "infra/templates/../../../.github/workflows/pwn-user-data.sh" in comment["body"].replace("\\", "")
    assert "the path has a '..' component" in comment["body"]
    assert run.outputs["command-result"] == "failed"


def test_a_plain_label_is_still_committed_inside_the_module(github, tmp_path, capsys):
    fake = github.fake
    head = {"infra/main.tf": MAIN, "infra/app.tf": _instance("bastion")}

    run = _command(github, tmp_path, capsys, head)

    assert run.outputs["command-result"] == "committed", run.stderr
    written = files_after(fake)
    assert written["infra/templates/bastion-user-data.sh"][1].decode() == "#!/bin/bash\n" + SCRIPT
    assert set(written) - set(head) == {"infra/templates/bastion-user-data.sh"}


@pytest.mark.parametrize(
    "path",
    [
        "infra/templates/../../../.github/workflows/pwn-user-data.sh",
        "/etc/cron.d/x",
        "infra/./main.tf",
        "infra//main.tf",
        ".git/hooks/pre-commit",
        "infra\\..\\x.tf",
    ],
)
def test_the_git_data_api_never_receives_a_path_that_is_not_plain(github, path):
    fake = github.fake
    open_pr(fake, {"infra/main.tf": MAIN}, {"infra/main.tf": MAIN})
    git = GitData(GitHubClient(TOKEN, sleep=lambda _: None), fake.repository)

    with pytest.raises(UnsafePath, match=r"component|absolute|plain|\.git"):
        commit_files(git, fake.head_ref, fake.head_sha, {"infra/main.tf": b"# ok\n", path: b"x"}, "m")

    assert fake.operations() == []  # refused before the first request
