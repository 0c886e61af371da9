resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_sns_topic" "security" {
  name = "security-findings"
}

# The target was removed during the Slack migration and never added back.
resource "aws_cloudwatch_event_rule" "guardduty" {
  name        = "guardduty-high-severity"
  description = "High-severity GuardDuty findings"

  event_pattern = <<-EOF
    {
      "source": ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      "detail": {
        "severity": [{ "numeric": [">=", 7] }]
      }
    }
  EOF
}
