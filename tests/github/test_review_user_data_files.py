"""The review reads the files a module's file()/templatefile() read, at the head and at the base
commit through the API: a script moved out of HCL keeps its findings, a changed script is compared
at both ends, and a file GitHub will not give is unknown at both ends."""

from __future__ import annotations

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
    from bot.github import snapshot

    class Api:
        def directory(self, path, ref):
            return ["main.tf"]  # GitHub lists a symbolic link with type "symlink": not a file here

        def file_content(self, path, ref):
            raise AssertionError("a file not listed as a regular file is never fetched")

    assert snapshot._module_file(Api(), "infra/boot.sh", "a" * 40, {}) is None
