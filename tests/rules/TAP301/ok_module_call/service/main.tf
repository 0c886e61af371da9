variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name = "worker"
  role          = var.role_arn
  runtime       = "python3.12"
  handler       = "worker.handler"
  filename      = "${path.module}/worker.zip"

  tracing_config {
    mode = "Active"
  }
}
