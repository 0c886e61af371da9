resource "aws_wafv2_web_acl" "cdn" {
  provider = aws.us_east_1

  name  = "storefront-cdn"
  scope = "CLOUDFRONT"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "storefront-cdn"
    sampled_requests_enabled   = true
  }
}
