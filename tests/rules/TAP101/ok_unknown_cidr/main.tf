variable "vpc_id" {
  type = string
}

variable "egress_cidr" {
  description = "No default: each environment sets its proxy range."
  type        = string
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "app_out" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = var.egress_cidr
  ip_protocol       = "-1"
}
