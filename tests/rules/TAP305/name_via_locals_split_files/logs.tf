# Application logs; security logs follow the same retention.
resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/${local.name}"
  retention_in_days = var.log_retention_days
}
