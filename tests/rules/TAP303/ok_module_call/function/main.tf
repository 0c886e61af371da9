variable "function_name" {
  type = string
}

variable "role_arn" {
  type = string
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = 30
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  role          = var.role_arn
  runtime       = "python3.12"
  handler       = "main.handler"
  filename      = "${path.module}/function.zip"

  depends_on = [aws_cloudwatch_log_group.this]
}
