variable "logged_web_acl_arn" {
  description = "The web ACL whose traffic is logged (chosen per environment)."
  type        = string
}

resource "aws_wafv2_web_acl" "main" {
  name  = "public-site"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "public-site"
    sampled_requests_enabled   = true
  }
}

resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-public-site"
  retention_in_days = 90
}

resource "aws_wafv2_web_acl_logging_configuration" "selected" {
  resource_arn            = var.logged_web_acl_arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}
