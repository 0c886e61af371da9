locals {
  public_ports = {
    http  = 80
    https = 443
  }
}

resource "aws_security_group" "alb" {
  name_prefix = "alb-"
  description = "Public load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "alb_public" {
  for_each = local.public_ports

  security_group_id = aws_security_group.alb.id
  description       = "${upper(each.key)} from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = each.value
  to_port           = each.value
}
