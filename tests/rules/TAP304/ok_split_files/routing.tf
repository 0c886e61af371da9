resource "aws_sns_topic" "security" {
  name = "security"
}

resource "aws_cloudwatch_event_rule" "guardduty" {
  name = "guardduty-findings"
  event_pattern = jsonencode({
    source        = ["aws.guardduty"]
    "detail-type" = ["GuardDuty Finding"]
  })
}

resource "aws_cloudwatch_event_target" "guardduty" {
  rule = aws_cloudwatch_event_rule.guardduty.name
  arn  = aws_sns_topic.security.arn
}
