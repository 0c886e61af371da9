variable "alert_event_pattern" {
  description = "Which events page the on-call engineer (set per account)."
  type        = string
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_sns_topic" "pager" {
  name = "pager"
}

resource "aws_cloudwatch_event_rule" "page" {
  name          = "page-on-call"
  event_pattern = var.alert_event_pattern
}

resource "aws_cloudwatch_event_target" "page" {
  rule = aws_cloudwatch_event_rule.page.name
  arn  = aws_sns_topic.pager.arn
}
