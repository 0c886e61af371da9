resource "aws_s3_bucket" "waf_logs" {
  bucket = "aws-waf-logs-acme-shared"
}

resource "aws_wafv2_web_acl" "public_api" {
  name  = "public-api"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "public-api"
    sampled_requests_enabled   = true
  }
}
