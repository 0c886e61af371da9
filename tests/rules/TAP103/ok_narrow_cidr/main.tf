variable "vpc_id" {
  type = string
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh" {
  security_group_id = aws_security_group.app.id
  description       = "SSH from the VPN"
  cidr_ipv4         = "10.8.0.0/16"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}
