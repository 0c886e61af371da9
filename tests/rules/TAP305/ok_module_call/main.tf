resource "aws_wafv2_web_acl" "main" {
  name  = "partner-api"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "partner-api"
    sampled_requests_enabled   = true
  }
}

module "waf_logging" {
  source      = "./waf-logging"
  web_acl_arn = aws_wafv2_web_acl.main.arn
}
