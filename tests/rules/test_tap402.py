"""TAP402 asg-lifecycle-hook-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, scan_fixture, where

CONSEQUENCE = (
    ": scale-in and instance refresh terminate instances at once, before logs are shipped or "
    "in-flight work is finished"
)
HOOK = """\
+resource "aws_autoscaling_lifecycle_hook" "app_drain" {
+  name                   = "drain"
+  autoscaling_group_name = aws_autoscaling_group.app.name
+  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
+  default_result         = "CONTINUE"
+  heartbeat_timeout      = 300
+}
"""


def test_group_without_hooks_gets_a_separate_termination_hook_after_it():
    findings = scan_fixture("TAP402/plain", "TAP402")
    assert where(findings) == [("TAP402", "main.tf", 17, "aws_autoscaling_group.app")]
    assert findings[0].message == (
        "aws_autoscaling_group.app has no termination lifecycle hook" + CONSEQUENCE
    )
    assert findings[0].fix.applicability == "safe"
    assert fix_diff("TAP402/plain", "TAP402") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -27 +27,9 @@\n }\n+\n" + HOOK
    )


def test_a_launching_hook_in_another_file_does_not_count_and_is_named_in_the_message():
    findings = scan_fixture("TAP402/launching_hook_only_split_files", "TAP402")
    assert where(findings) == [("TAP402", "asg.tf", 7, "aws_autoscaling_group.app")]
    assert findings[0].message == (
        "aws_autoscaling_group.app has only a launching lifecycle hook "
        "(aws_autoscaling_lifecycle_hook.app_ready), no termination hook" + CONSEQUENCE
    )
    assert fix_diff("TAP402/launching_hook_only_split_files", "TAP402") == (
        "--- a/asg.tf\n+++ b/asg.tf\n@@ -17 +17,9 @@\n }\n+\n" + HOOK
    )


def test_inline_launching_hook_through_a_local_gets_a_separate_hook_not_a_second_inline_block():
    # initial_lifecycle_hook is ForceNew: adding one would replace the group.
    findings = scan_fixture("TAP402/inline_launching_hook_via_local", "TAP402")
    assert where(findings) == [("TAP402", "main.tf", 21, "aws_autoscaling_group.app")]
    assert "(initial_lifecycle_hook in aws_autoscaling_group.app)" in findings[0].message
    diff = fix_diff("TAP402/inline_launching_hook_via_local", "TAP402")
    assert HOOK in diff
    assert "initial_lifecycle_hook" not in diff


def test_counted_groups_get_one_hook_per_instance():
    findings = scan_fixture("TAP402/count", "TAP402")
    assert where(findings) == [("TAP402", "main.tf", 23, "aws_autoscaling_group.workers")]
    assert """\
+resource "aws_autoscaling_lifecycle_hook" "workers_drain" {
+  count                  = length(var.queues)
+  name                   = "drain"
+  autoscaling_group_name = aws_autoscaling_group.workers[count.index].name
""" in fix_diff("TAP402/count", "TAP402")


@pytest.mark.parametrize(
    "case",
    [
        "ok_inline_terminating_hook",  # initial_lifecycle_hook for TERMINATING
        "ok_separate_hook_via_local_split_files",  # the hook names the group through a local
        "ok_dynamic_hooks",  # hooks generated from a variable: unknowable
        "ok_unknown_transition",  # a hook whose transition comes from a variable without default
        "ok_module_call",  # the group is handed to a module that may add the hook
    ],
)
def test_no_finding_when_a_termination_hook_exists_or_may_exist(case):
    assert scan_fixture(f"TAP402/{case}", "TAP402") == []
