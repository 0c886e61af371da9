resource "aws_lambda_function" "resize" {
  function_name = "${local.prefix}-resize"
  role          = var.role_arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "resize.zip"
}

resource "aws_lambda_function" "thumbnailer" {
  function_name = "${local.prefix}-thumbnailer"
  role          = var.role_arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "thumbnailer.zip"
  memory_size   = 1024
}
