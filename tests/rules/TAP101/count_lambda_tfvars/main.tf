variable "allow_egress" {
  type    = bool
  default = true
}

variable "egress_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "role_arn" {
  type = string
}

locals {
  any_protocol = "-1"
}

resource "aws_security_group" "fn" {
  name_prefix = "resize-"
  description = "Image resize function"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "fn_out" {
  count = var.allow_egress ? 1 : 0

  security_group_id = aws_security_group.fn.id
  cidr_ipv4         = var.egress_cidr
  ip_protocol       = local.any_protocol
}

resource "aws_lambda_function" "resize" {
  function_name = "image-resize"
  role          = var.role_arn
  filename      = "resize.zip"
  handler       = "main.handler"
  runtime       = "python3.12"

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.fn.id]
  }
}
