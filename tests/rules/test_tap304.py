"""TAP304 guardduty-findings-unrouted: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where, with_block_after

RULE_AND_TARGET = """\
resource "aws_cloudwatch_event_rule" "main_findings" {
  name        = "guardduty-findings"
  description = "GuardDuty findings, to be alerted on"
  event_pattern = jsonencode({
    source        = ["aws.guardduty"]
    "detail-type" = ["GuardDuty Finding"]
  })
}

resource "aws_cloudwatch_event_target" "main_findings" {
  rule = aws_cloudwatch_event_rule.main_findings.name
  arn  = aws_sns_topic.TOPIC.arn
}
"""

UNROUTED = (
    "{} has no EventBridge rule matching its findings (source aws.guardduty, detail-type "
    '"GuardDuty Finding") with a target: findings wait in the GuardDuty console and nobody is alerted'
)


def test_detector_alone_gets_rule_target_and_a_topic_that_eventbridge_may_publish_to():
    findings = scan_fixture("TAP304/plain_new_topic", "TAP304")
    assert where(findings) == [("TAP304", "main.tf", 1, "aws_guardduty_detector.this")]
    assert findings[0].message == UNROUTED.format("aws_guardduty_detector.this")
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP304/plain_new_topic", "TAP304") == {
        "main.tf": with_block_after(
            "TAP304/plain_new_topic/main.tf",
            'resource "aws_guardduty_detector" "this" {',
            RULE_AND_TARGET.replace("main_findings", "this_findings").replace("TOPIC", "this_findings")
            + """
resource "aws_sns_topic" "this_findings" {
  name = "guardduty-findings"
}

resource "aws_sns_topic_policy" "this_findings" {
  arn = aws_sns_topic.this_findings.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GuardDutyFindingsFromEventBridge"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this_findings.arn
      Condition = {
        ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.this_findings.arn }
      }
    }]
  })
}
""",
        )
    }


def test_existing_security_topic_in_another_file_is_reused_and_keeps_its_owner_access():
    findings = scan_fixture("TAP304/existing_topic_split_files", "TAP304")
    assert where(findings) == [("TAP304", "security.tf", 1, "aws_guardduty_detector.main")]
    fixed = fixed_files("TAP304/existing_topic_split_files", "TAP304")
    assert fixed["security.tf"] == with_block_after(
        "TAP304/existing_topic_split_files/security.tf",
        'resource "aws_guardduty_detector" "main" {',
        RULE_AND_TARGET.replace("TOPIC", "security_alerts"),
    )
    # aws_sns_topic_policy replaces SNS's default policy, so the owner's statement comes along.
    assert fixed["alerts.tf"] == with_block_after(
        "TAP304/existing_topic_split_files/alerts.tf",
        'resource "aws_sns_topic" "security_alerts" {',
        """\
resource "aws_sns_topic_policy" "security_alerts" {
  arn = aws_sns_topic.security_alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TopicOwner"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action = [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ]
        Resource = aws_sns_topic.security_alerts.arn
        Condition = {
          StringEquals = { "AWS:SourceOwner" = aws_sns_topic.security_alerts.owner }
        }
      },
      {
        Sid       = "GuardDutyFindingsFromEventBridge"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.security_alerts.arn
        Condition = {
          ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.main_findings.arn }
        }
      },
    ]
  })
}
""",
    )


def test_existing_topic_policy_gets_one_more_statement_instead_of_a_second_policy():
    findings = scan_fixture("TAP304/topic_policy_merge", "TAP304")
    assert where(findings) == [("TAP304", "main.tf", 3, "aws_guardduty_detector.main")]
    assert findings[0].fix.description == (
        "Send GuardDuty findings through EventBridge to aws_sns_topic.alerts, "
        "adding a statement for EventBridge to aws_sns_topic_policy.alerts"
    )
    diff = fix_diff("TAP304/topic_policy_merge", "TAP304")
    assert diff.count('resource "aws_sns_topic_policy"') == 0
    assert diff.endswith(
        """\
@@ -29,2 +43,12 @@
         Resource  = aws_sns_topic.alerts.arn
+      },
+      {
+        Sid       = "GuardDutyFindingsFromEventBridge"
+        Effect    = "Allow"
+        Principal = { Service = "events.amazonaws.com" }
+        Action    = "sns:Publish"
+        Resource  = aws_sns_topic.alerts.arn
+        Condition = {
+          ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.main_findings.arn }
+        }
       }
"""
    )


def test_heredoc_rule_matching_findings_without_target_gets_only_a_target():
    findings = scan_fixture("TAP304/rule_without_target", "TAP304")
    assert where(findings) == [("TAP304", "main.tf", 1, "aws_guardduty_detector.main")]
    assert findings[0].message == (
        "aws_guardduty_detector.main: aws_cloudwatch_event_rule.guardduty matches its findings "
        "(source aws.guardduty) but has no aws_cloudwatch_event_target, so nobody is alerted"
    )
    text = fixed_files("TAP304/rule_without_target", "TAP304")["main.tf"]
    assert text.count('resource "aws_cloudwatch_event_rule"') == 1
    assert text.endswith(
        """\
  EOF
}

resource "aws_cloudwatch_event_target" "guardduty" {
  rule = aws_cloudwatch_event_rule.guardduty.name
  arn  = aws_sns_topic.security.arn
}
"""
    )
    assert '"aws:SourceArn" = aws_cloudwatch_event_rule.guardduty.arn' in text


def test_counted_detector_gets_counted_rule_target_and_topic():
    findings = scan_fixture("TAP304/count_detector", "TAP304")
    assert where(findings) == [("TAP304", "main.tf", 1, "aws_guardduty_detector.member")]
    text = fixed_files("TAP304/count_detector", "TAP304")["main.tf"]
    assert (
        """\
resource "aws_cloudwatch_event_target" "member_findings" {
  count = var.enable_guardduty ? 1 : 0
  rule  = aws_cloudwatch_event_rule.member_findings[count.index].name
  arn   = aws_sns_topic.member_findings[count.index].arn
}

resource "aws_sns_topic" "member_findings" {
  count = var.enable_guardduty ? 1 : 0
  name  = "guardduty-findings"
}
"""
        in text
    )
    assert '"aws:SourceArn" = aws_cloudwatch_event_rule.member_findings[count.index].arn' in text


def test_rules_for_other_sources_or_a_custom_bus_do_not_route_findings():
    findings = scan_fixture("TAP304/other_source_and_custom_bus", "TAP304")
    assert where(findings) == [("TAP304", "main.tf", 1, "aws_guardduty_detector.main")]
    assert findings[0].message == UNROUTED.format("aws_guardduty_detector.main")
    # The ops topic is reused (its name says what it is for).
    assert (
        "arn  = aws_sns_topic.ops.arn"
        in fixed_files("TAP304/other_source_and_custom_bus", "TAP304")["main.tf"]
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_split_files",  # rule and target in another file
        "ok_heredoc_pattern",  # heredoc pattern without detail-type; target names the rule literally
        "ok_module_call",  # a module is given a GuardDuty event pattern: it routes them
        "ok_unknown_pattern",  # the only rule's pattern is a variable without default
        "ok_detector_disabled",  # enable = var.guardduty_enabled, false by default
        "ok_prefix_filter",  # source = [{ prefix = "aws.guard" }], counted target to a log group
    ],
)
def test_no_finding_when_findings_are_routed_or_cannot_be_told(case):
    assert scan_fixture(f"TAP304/{case}", "TAP304") == []
