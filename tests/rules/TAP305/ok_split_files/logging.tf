resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-internal-tools"
  retention_in_days = 90
}

resource "aws_wafv2_web_acl_logging_configuration" "main" {
  resource_arn            = aws_wafv2_web_acl.main.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}
