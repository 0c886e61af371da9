locals {
  regions = ["eu-west-1"]
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_cloudwatch_log_group" "findings" {
  name              = "/aws/events/guardduty"
  retention_in_days = 365
}

resource "aws_cloudwatch_event_rule" "guardduty" {
  name = "guardduty-to-logs"
  event_pattern = jsonencode({
    source = [{ prefix = "aws.guard" }]
    region = local.regions
  })
}

resource "aws_cloudwatch_event_target" "logs" {
  count = length(local.regions)
  rule  = aws_cloudwatch_event_rule.guardduty.name
  arn   = aws_cloudwatch_log_group.findings.arn
}
