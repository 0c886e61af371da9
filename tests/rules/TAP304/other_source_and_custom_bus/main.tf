resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_sns_topic" "ops" {
  name = "ops-notifications"
}

# Security Hub findings, not GuardDuty's.
resource "aws_cloudwatch_event_rule" "security_hub" {
  name = "security-hub-findings"
  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
  })
}

resource "aws_cloudwatch_event_target" "security_hub" {
  rule = aws_cloudwatch_event_rule.security_hub.name
  arn  = aws_sns_topic.ops.arn
}

# GuardDuty only sends to the default bus: this rule never fires.
resource "aws_cloudwatch_event_bus" "audit" {
  name = "audit"
}

resource "aws_cloudwatch_event_rule" "audit_guardduty" {
  name           = "audit-guardduty"
  event_bus_name = aws_cloudwatch_event_bus.audit.name
  event_pattern  = jsonencode({ source = ["aws.guardduty"] })
}

resource "aws_cloudwatch_event_target" "audit_guardduty" {
  rule           = aws_cloudwatch_event_rule.audit_guardduty.name
  event_bus_name = aws_cloudwatch_event_bus.audit.name
  arn            = aws_sns_topic.ops.arn
}
