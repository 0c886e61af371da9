resource "aws_sns_topic" "deployments" {
  name = "deployments"
}

resource "aws_sns_topic" "security_alerts" {
  name = "security-alerts"
}

resource "aws_sns_topic_subscription" "security_pager" {
  topic_arn = aws_sns_topic.security_alerts.arn
  protocol  = "https"
  endpoint  = "https://events.pagerduty.com/integration/abc123/enqueue"
}
