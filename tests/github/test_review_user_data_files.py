"""The review reads the files a module's file()/templatefile() read, at the head and at the base
commit through the API: a script moved out of HCL keeps its findings, a changed script is compared
at both ends, and a file GitHub will not give is unknown at both ends."""

from __future__ import annotations

from bot.github import snapshot
from fixers.module_files import MAX_READ_BYTES
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree

SELECT_TAP302 = "select: [TAP302]\n"
MODULE = """\
data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "%(type)s"
  user_data     = %(user_data)s
}

resource "aws_autoscaling_group" "app" {
  name                = "app"
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001"]

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
}

resource "aws_cloudwatch_metric_alarm" "app_memory" {
  alarm_name          = "app-memory"
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { AutoScalingGroupName = aws_autoscaling_group.app.name }
}
"""
FROM_FILE = 'base64encode(templatefile("${path.module}/boot.sh.tftpl", { port = 8080 }))'
INLINE = "base64encode(<<-EOT\n    #!/bin/bash\n    dnf install -y nginx\n  EOT\n  )"
WITH_AGENT = "#!/bin/bash\ndnf install -y amazon-cloudwatch-agent\namazon-cloudwatch-agent-ctl -a start\n"
WITHOUT_AGENT = "#!/bin/bash\ndnf install -y nginx\necho ${port}\n"


def _module(user_data: str, instance_type: str = "t3.large") -> str:
    return MODULE % {"type": instance_type, "user_data": user_data}


def _pr(github, tmp_path, base: dict[str, str], head: dict[str, str]):
    fake = github.fake
    fake.files = changed_entries(base, head)
    for ref, files in ((fake.head_sha, head), (fake.base_sha, base)):
        for path, text in files.items():
            fake.contents[(ref, path)] = text.encode()
    workspace = write_tree(tmp_path / "ws", {**head, ".tapfix.yml": SELECT_TAP302})
    return fake, workspace


def test_a_script_changed_in_its_file_is_read_at_both_commits(github, tmp_path, capsys):
    base = {"infra/main.tf": _module(FROM_FILE), "infra/boot.sh.tftpl": WITH_AGENT}
    head = {"infra/main.tf": _module(FROM_FILE, "t3.xlarge"), "infra/boot.sh.tftpl": WITHOUT_AGENT}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "1"
    [summary] = fake.issue_comments
    assert "TAP302" in summary["body"]
    assert "user data file infra/boot.sh.tftpl" in summary["body"]


def test_moving_the_script_to_a_file_neither_fixes_nor_renews_its_findings(github, tmp_path, capsys):
    base = {"infra/main.tf": _module(INLINE)}
    head = {"infra/main.tf": _module(FROM_FILE), "infra/boot.sh.tftpl": WITHOUT_AGENT}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert fake.review_comments == []
    # Still there at the head (read from the file), and there before the PR (inline).
    assert (
        "1 pre-existing finding (1 high) in the touched modules is on the base branch too" in run.job_summary
    )


def test_a_script_github_will_not_give_is_unknown_at_both_commits(github, tmp_path, capsys):
    base = {"infra/main.tf": _module(FROM_FILE), "infra/boot.sh.tftpl": WITH_AGENT}
    head = {"infra/main.tf": _module(FROM_FILE, "t3.xlarge"), "infra/boot.sh.tftpl": WITHOUT_AGENT}
    fake, ws = _pr(github, tmp_path, base, head)
    fake.fail("repos/get-content", 500, times=100)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert "pre-existing" not in run.job_summary


def test_a_linked_script_is_not_read():
    class Api:
        def directory(self, path, ref):
            return {"main.tf": 120}  # GitHub lists a symbolic link with type "symlink": not a file here

        def file_content(self, path, ref):
            raise AssertionError("a file not listed as a regular file is never fetched")

    assert snapshot._module_file(Api(), "infra/boot.sh", "a" * 40, {}) is None


def _content_reads(fake, path: str) -> list[str]:
    """Requests for `path` itself through the contents API (not for its folder's listing)."""
    return [
        c.query.get("ref", ["?"])[0]
        for c in fake.calls
        if c.operation == "repos/get-content" and c.path.endswith(f"/contents/{path}")
    ]


def test_a_script_over_the_read_limit_is_skipped_by_its_listed_size_never_downloaded(
    github, tmp_path, capsys
):
    padding = "#" * MAX_READ_BYTES  # the listing's size says "over 1 MiB" before any download
    base = {"infra/main.tf": _module(FROM_FILE), "infra/boot.sh.tftpl": WITH_AGENT + padding}
    head = {"infra/main.tf": _module(FROM_FILE, "t3.xlarge"), "infra/boot.sh.tftpl": WITHOUT_AGENT + padding}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert _content_reads(fake, "infra/boot.sh.tftpl") == []
    assert sorted(_content_reads(fake, "infra")) == sorted([fake.head_sha, fake.base_sha])  # the listings
    # Unknown at both commits, as a file over the limit on disk is: nothing new, nothing pre-existing.
    assert run.outputs["new-findings"] == "0"
    assert "pre-existing" not in run.job_summary


def test_a_script_at_the_read_limit_is_still_downloaded(github, tmp_path, capsys):
    padding = "#" * (MAX_READ_BYTES - len(WITHOUT_AGENT) - 1) + "\n"
    base = {"infra/main.tf": _module(FROM_FILE), "infra/boot.sh.tftpl": WITH_AGENT}
    head = {"infra/main.tf": _module(FROM_FILE, "t3.xlarge"), "infra/boot.sh.tftpl": WITHOUT_AGENT + padding}
    fake, ws = _pr(github, tmp_path, base, head)
    assert len(fake.contents[(fake.head_sha, "infra/boot.sh.tftpl")]) == MAX_READ_BYTES

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    # Downloaded at both commits: the limit is inclusive, as on disk. (What the evaluator makes of
    # a 1 MiB template is its own business: a value that large may stay unknown.)
    assert _content_reads(fake, "infra/boot.sh.tftpl") == [fake.head_sha, fake.base_sha]
    assert run.exit_code in (0, 1)


def test_a_terraform_file_over_the_size_limit_is_not_downloaded_when_the_workspace_lacks_the_folder(
    github, tmp_path, capsys
):
    # Without a checkout the folder is read through the API; an unchanged neighbour over the limit
    # a file on disk has is skipped from its listed size, as on disk.
    huge = "# generated\n" + "#" * snapshot._MAX_FILE_BYTES
    base = {"infra/main.tf": _module(INLINE), "infra/generated.tf": huge}
    head = {"infra/main.tf": _module(INLINE, "t3.xlarge"), "infra/generated.tf": huge}
    fake, _ = _pr(github, tmp_path, base, head)
    empty = write_tree(tmp_path / "empty", {".tapfix.yml": SELECT_TAP302})

    run = run_action(tmp_path, capsys, fake, empty, pull_request_event(fake))

    assert _content_reads(fake, "infra/generated.tf") == []
    assert _content_reads(fake, "infra/main.tf") == [fake.head_sha]
    assert run.exit_code in (0, 1) and "were read at the head commit through the API" in run.job_summary
