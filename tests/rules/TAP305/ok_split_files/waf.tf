resource "aws_wafv2_web_acl" "main" {
  name  = "internal-tools"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "internal-tools"
    sampled_requests_enabled   = true
  }
}
