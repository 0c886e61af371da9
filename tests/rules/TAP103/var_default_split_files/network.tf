resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "app_ssh" {
  security_group_id = aws_security_group.app.id
  description       = "SSH for on-call debugging"
  cidr_ipv4         = var.ssh_ingress_cidr
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}
