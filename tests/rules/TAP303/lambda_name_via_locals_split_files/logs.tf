# Only the resize function got its log group when it was added.
resource "aws_cloudwatch_log_group" "resize" {
  name              = "/aws/lambda/${local.prefix}-resize"
  retention_in_days = var.log_retention_days
}
