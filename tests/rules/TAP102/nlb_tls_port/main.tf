variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "certificate_arn" {
  type = string
}

variable "partner_prefix_list_id" {
  description = "Managed prefix list of the partners' egress ranges."
  type        = string
}

resource "aws_security_group" "partner_nlb" {
  name_prefix = "partner-nlb-"
  description = "Partner API network load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "partner_443" {
  security_group_id = aws_security_group.partner_nlb.id
  description       = "Partners on 443"
  prefix_list_id    = var.partner_prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_lb" "partner" {
  name               = "partner"
  load_balancer_type = "network"
  security_groups    = [aws_security_group.partner_nlb.id]
  subnets            = var.subnet_ids
}

resource "aws_lb_target_group" "partner" {
  name        = "partner"
  port        = 8443
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = var.vpc_id
}

resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.partner.arn
  port              = 443
  protocol          = "TLS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.partner.arn
  }
}

resource "aws_lb_listener" "tls_legacy" {
  load_balancer_arn = aws_lb.partner.arn
  port              = 8443
  protocol          = "TLS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.partner.arn
  }
}
