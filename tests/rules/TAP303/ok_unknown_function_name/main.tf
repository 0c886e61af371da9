variable "function_name" {
  description = "Chosen by the calling stack."
  type        = string
}

variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name = var.function_name
  role          = var.role_arn
  runtime       = "python3.12"
  handler       = "main.handler"
  filename      = "function.zip"
}
