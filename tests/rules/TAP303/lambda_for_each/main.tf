variable "reports" {
  description = "Scheduled report functions and their memory."
  type        = map(number)
  default = {
    daily  = 512
    weekly = 1024
  }
}

variable "role_arn" {
  type = string
}

resource "aws_lambda_function" "report" {
  for_each = var.reports

  function_name = "report-${each.key}"
  role          = var.role_arn
  runtime       = "python3.12"
  handler       = "report.handler"
  filename      = "report.zip"
  memory_size   = each.value
}
