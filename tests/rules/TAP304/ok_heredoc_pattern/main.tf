resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_sqs_queue" "findings" {
  name = "guardduty-findings"
}

resource "aws_cloudwatch_event_rule" "guardduty" {
  name          = "all-guardduty-events"
  event_pattern = <<EOF
{
  "source": ["aws.guardduty"]
}
EOF
}

# Targets the rule by its literal name.
resource "aws_cloudwatch_event_target" "to_queue" {
  rule = "all-guardduty-events"
  arn  = aws_sqs_queue.findings.arn

  depends_on = [aws_cloudwatch_event_rule.guardduty]
}
