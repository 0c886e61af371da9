variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "ingest" {
  function_name = "events-ingest"
  role          = var.role_arn
  runtime       = "go1.x"
  handler       = "bootstrap"
  filename      = "ingest.zip"
}
