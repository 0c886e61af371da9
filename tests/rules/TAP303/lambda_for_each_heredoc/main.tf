variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "report" {
  for_each = toset(split("\n", trimspace(<<EOT
daily
weekly
EOT
  )))

  function_name = "report-${each.key}"
  role          = var.role_arn
  runtime       = "python3.12"
  handler       = "report.handler"
  filename      = "report.zip"
}
