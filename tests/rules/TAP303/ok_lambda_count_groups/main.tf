variable "shards" {
  type    = number
  default = 3
}

variable "role_arn" {
  type = string
}

resource "aws_cloudwatch_log_group" "consumer" {
  count             = var.shards
  name              = "/aws/lambda/stream-consumer-${count.index}"
  retention_in_days = 7
}

resource "aws_lambda_function" "consumer" {
  count         = var.shards
  function_name = "stream-consumer-${count.index}"
  role          = var.role_arn
  runtime       = "python3.12"
  handler       = "consumer.handler"
  filename      = "consumer.zip"

  depends_on = [aws_cloudwatch_log_group.consumer]
}
