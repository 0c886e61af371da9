variable "web_acl_arn" {
  type = string
}

resource "aws_cloudwatch_log_group" "this" {
  name_prefix       = "aws-waf-logs-"
  retention_in_days = 90
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = var.web_acl_arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]
}
