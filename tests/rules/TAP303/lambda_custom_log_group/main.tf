variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "payments" {
  function_name = "payments-webhook"
  role          = var.role_arn
  runtime       = "java21"
  handler       = "com.acme.Webhook::handleRequest"
  filename      = "webhook.jar"

  # All payment functions share one group.
  logging_config {
    log_format = "JSON"
    log_group  = "/platform/payments"
  }
}
