variable "regions" {
  type    = list(string)
  default = ["eu-west-1", "eu-central-1"]
}

resource "aws_iam_role" "sync" {
  name = "catalog-sync"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "sync_xray" {
  role       = aws_iam_role.sync.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
}

resource "aws_lambda_function" "sync" {
  count         = length(var.regions)
  function_name = "catalog-sync-${var.regions[count.index]}"
  role          = aws_iam_role.sync.arn
  runtime       = "python3.12"
  handler       = "sync.handler"
  filename      = "sync.zip"
  timeout       = 60
}
