# The resolvers' group admits DNS over TCP only, so the UDP listener never answers. tapfix writes
# TCP rules only: the finding comes without a fix.
variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

resource "aws_security_group" "dns" {
  name_prefix = "dns-nlb-"
  description = "Resolver network load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "dns_tcp" {
  security_group_id = aws_security_group.dns.id
  description       = "DNS over TCP from the VPCs"
  cidr_ipv4         = "10.0.0.0/8"
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
}

resource "aws_lb" "dns" {
  name               = "dns"
  load_balancer_type = "network"
  security_groups    = [aws_security_group.dns.id]
  subnets            = var.subnet_ids
}

resource "aws_lb_target_group" "dns" {
  name        = "dns"
  port        = 53
  protocol    = "UDP"
  target_type = "ip"
  vpc_id      = var.vpc_id
}

resource "aws_lb_listener" "dns_udp" {
  load_balancer_arn = aws_lb.dns.arn
  port              = 53
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dns.arn
  }
}
