variable "enable_waf" {
  type    = bool
  default = false
}

resource "aws_wafv2_web_acl" "main" {
  count = var.enable_waf ? 1 : 0

  name  = "marketing-site"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "marketing-site"
    sampled_requests_enabled   = true
  }
}
