"""TAP401 asg-notifications-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where

MESSAGE = (
    "{group} has no aws_autoscaling_notification: when it cannot launch or terminate instances "
    "(a missing AMI, no capacity, a full subnet) it retries silently"
)


def test_group_gets_a_notification_to_the_topic_its_alarms_already_use():
    findings = scan_fixture("TAP401/reuse_alarm_topic", "TAP401")
    assert where(findings) == [("TAP401", "asg.tf", 7, "aws_autoscaling_group.app")]
    assert findings[0].message == MESSAGE.format(group="aws_autoscaling_group.app")
    assert findings[0].fix.applicability == "safe"
    assert findings[0].fix.description == "Notify aws_sns_topic.alerts of launch and terminate errors"
    assert (
        fix_diff("TAP401/reuse_alarm_topic", "TAP401")
        == """\
--- a/asg.tf
+++ b/asg.tf
@@ -17 +17,10 @@
 }
+
+resource "aws_autoscaling_notification" "app" {
+  group_names = [aws_autoscaling_group.app.name]
+  notifications = [
+    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
+    "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
+  ]
+  topic_arn = aws_sns_topic.alerts.arn
+}
"""
    )


def test_without_an_alerting_topic_a_topic_named_after_the_group_is_added():
    findings = scan_fixture("TAP401/new_topic_named_after_group", "TAP401")
    assert where(findings) == [("TAP401", "main.tf", 24, "aws_autoscaling_group.web")]
    assert findings[0].fix.description == (
        "Notify a new aws_sns_topic.web_notifications of launch and terminate errors; "
        "subscribe whoever must act on them"
    )
    assert (
        fix_diff("TAP401/new_topic_named_after_group", "TAP401")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -34 +34,14 @@
 }
+
+resource "aws_sns_topic" "web_notifications" {
+  name = "${var.name}-web-notifications"
+}
+
+resource "aws_autoscaling_notification" "web" {
+  group_names = [aws_autoscaling_group.web.name]
+  notifications = [
+    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
+    "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
+  ]
+  topic_arn = aws_sns_topic.web_notifications.arn
+}
"""
    )


def test_counted_group_gets_a_notification_with_the_same_count():
    findings = scan_fixture("TAP401/count", "TAP401")
    assert where(findings) == [("TAP401", "main.tf", 27, "aws_autoscaling_group.workers")]
    assert """\
+resource "aws_autoscaling_notification" "workers" {
+  count       = var.enabled ? 1 : 0
+  group_names = [aws_autoscaling_group.workers[count.index].name]
""" in fix_diff("TAP401/count", "TAP401")


def test_for_each_group_with_two_alarm_topics_gets_its_own_topic_and_per_instance_notifications():
    findings = scan_fixture("TAP401/for_each_two_topics", "TAP401")
    assert where(findings) == [("TAP401", "main.tf", 17, "aws_autoscaling_group.web")]
    assert "the module alerts through 2 topics: aws_sns_topic.pager, aws_sns_topic.chat" in (
        findings[0].fix.description
    )
    assert """\
+resource "aws_sns_topic" "web_notifications" {
+  name_prefix = "web-notifications-"
+}
+
+resource "aws_autoscaling_notification" "web" {
+  for_each    = toset(["blue", "green"])
+  group_names = [aws_autoscaling_group.web[each.key].name]
""" in fix_diff("TAP401/for_each_two_topics", "TAP401")


def test_only_the_group_no_notification_names_is_reported_and_reuses_that_notifications_topic():
    findings = scan_fixture("TAP401/notification_for_another_group", "TAP401")
    assert where(findings) == [("TAP401", "asg.tf", 19, "aws_autoscaling_group.batch")]
    assert "+  topic_arn = aws_sns_topic.asg_events.arn\n" in fix_diff(
        "TAP401/notification_for_another_group", "TAP401"
    )


def test_two_groups_fixed_together_share_one_new_topic():
    findings = scan_fixture("TAP401/two_groups_share_one_new_topic", "TAP401")
    assert where(findings) == [
        ("TAP401", "main.tf", 17, "aws_autoscaling_group.api"),
        ("TAP401", "main.tf", 29, "aws_autoscaling_group.jobs"),
    ]
    fixed = fixed_files("TAP401/two_groups_share_one_new_topic", "TAP401")["main.tf"]
    assert fixed.count('resource "aws_sns_topic"') == 1
    assert fixed.count("topic_arn = aws_sns_topic.api_notifications.arn") == 2


@pytest.mark.parametrize(
    "case",
    [
        "ok_notification_via_local_split_files",  # group_names reaches the group through a local
        "ok_literal_group_name",  # the group's literal name
        "ok_unknown_group_names",  # group_names from a variable without default: unknowable
        "ok_eventbridge_rule",  # an EventBridge rule on aws.autoscaling events covers every group
        "ok_module_call",  # the group is handed to a module that may notify about it
        "ok_disabled_group",  # count = 0
    ],
)
def test_no_finding_when_the_group_is_or_may_be_notified(case):
    assert scan_fixture(f"TAP401/{case}", "TAP401") == []
