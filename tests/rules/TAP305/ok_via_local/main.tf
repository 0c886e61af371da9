locals {
  web_acl_arn = aws_wafv2_web_acl.main.arn
}

resource "aws_wafv2_web_acl" "main" {
  name  = "support-portal"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "support-portal"
    sampled_requests_enabled   = true
  }
}

resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-support-portal"
  retention_in_days = 90
}

resource "aws_wafv2_web_acl_logging_configuration" "main" {
  resource_arn            = local.web_acl_arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}
