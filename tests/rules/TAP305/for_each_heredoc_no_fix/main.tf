# The APIs come from a heredoc list; a logging configuration copying this for_each would
# re-indent the heredoc's lines and no longer have one instance per web ACL.
resource "aws_wafv2_web_acl" "api" {
  for_each = toset(split("\n", trimspace(<<EOT
orders
search
EOT
  )))

  name  = "${each.key}-api"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${each.key}-api"
    sampled_requests_enabled   = true
  }
}
