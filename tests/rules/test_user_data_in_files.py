"""TAP301-TAP303 read user data the module keeps in its own files (file(), templatefile(),
filebase64()), and only there: a path out of the module, a link out of it, a missing, binary or
unknowable file gives no finding. Findings stay on the .tf block and name the file."""

import pytest

from tests.rules.harness import scan_fixture, where


def test_tap301_daemon_started_by_a_templatefile_script_without_permission():
    findings = scan_fixture("TAP301/daemon_in_templatefile", "TAP301")
    assert where(findings) == [("TAP301", "main.tf", 37, "aws_instance.tracing_demo")]
    assert findings[0].message == (
        "aws_instance.tracing_demo starts the X-Ray daemon (user data file templates/tracing-demo.sh.tftpl), "
        "but its instance role aws_iam_role.tracing_demo may not call xray:PutTraceSegments: every trace "
        "segment is rejected"
    )
    assert findings[0].fix.applicability == "safe"


def test_tap301_grant_unused_when_the_relative_user_data_file_starts_no_daemon():
    findings = scan_fixture("TAP301/grant_unused_user_data_file", "TAP301")
    assert where(findings) == [("TAP301", "main.tf", 23, "aws_iam_role_policy_attachment.tracing_demo_xray")]
    assert (
        "aws_instance.tracing_demo runs no X-Ray daemon (user data file user_data.sh)" in findings[0].message
    )
    # tapfix cannot append to a file it did not write: the daemon part is left to the reader.
    assert findings[0].fix.applicability == "display-only"


def test_tap302_templatefile_rendered_with_its_for_directive_starts_no_agent():
    findings = scan_fixture("TAP302/templatefile_user_data_without_agent", "TAP302")
    assert where(findings) == [("TAP302", "main.tf", 30, "aws_cloudwatch_metric_alarm.app_memory")]
    assert "no amazon-cloudwatch-agent-ctl in user data (user data file bootstrap.sh)," in findings[0].message


@pytest.mark.parametrize(
    "case",
    [
        "ok_templatefile_user_data",  # the file starts the agent
        "ok_user_data_outside_module",  # ${path.module}/../other/bootstrap.sh: never read
        "ok_user_data_symlink_out",  # a link out of the module folder: never followed
        "ok_user_data_file_missing",  # no such file: unknown
        "ok_user_data_unknown_condition",  # %{ if with_agent } over a variable without default
    ],
)
def test_tap302_no_finding_when_the_user_data_file_is_not_known_to_lack_the_agent(case):
    assert scan_fixture(f"TAP302/{case}", "TAP302") == []


def test_tap303_for_each_instances_whose_user_data_file_writes_unshipped_logs():
    findings = scan_fixture("TAP303/instance_for_each_user_data_file", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 16, "aws_instance.worker")]
    assert findings[0].message.startswith(
        "aws_instance.worker writes /var/log/batch-worker (its user data in scripts/worker.sh) but nothing "
        "ships those logs"
    )


def test_tap303_binary_user_data_file_is_unknown():
    assert scan_fixture("TAP303/ok_user_data_file_binary", "TAP303") == []
