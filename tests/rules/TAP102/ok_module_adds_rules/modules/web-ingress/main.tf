variable "security_group_id" {
  type = string
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = var.security_group_id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}
