variable "sites" {
  type    = set(string)
  default = ["blog", "docs"]
}

resource "aws_wafv2_web_acl" "site" {
  for_each = var.sites

  name  = each.key
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = each.key
    sampled_requests_enabled   = true
  }
}

resource "aws_cloudwatch_log_group" "waf" {
  for_each          = var.sites
  name              = "aws-waf-logs-${each.key}"
  retention_in_days = 90
}

resource "aws_wafv2_web_acl_logging_configuration" "site" {
  for_each                = aws_wafv2_web_acl.site
  resource_arn            = each.value.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[each.key].arn]
}
