variable "tenants" {
  description = "One web ACL per tenant, with the tenant's request limit."
  type        = map(number)
  default = {
    acme   = 2000
    globex = 500
  }
}

resource "aws_wafv2_web_acl" "tenant" {
  for_each = var.tenants

  name  = "tenant-${each.key}"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit"
    priority = 1

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = each.value
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "tenant-${each.key}-rate"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "tenant-${each.key}"
    sampled_requests_enabled   = true
  }
}
