variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "certificate_arn" {
  type = string
}

variable "enabled" {
  type    = bool
  default = true
}

locals {
  allowed_cidrs = ["0.0.0.0/0"]
  # One listener per protocol; HTTP only redirects.
  listeners = {
    http  = 80
    https = 443
  }
}

resource "aws_security_group" "web" {
  name_prefix = "web-"
  description = "Web load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "web_https" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  description       = "HTTPS from anywhere"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = local.allowed_cidrs
}

resource "aws_lb" "web" {
  count = var.enabled ? 1 : 0

  name               = "web"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.web.id]
  subnets            = var.public_subnet_ids
}

resource "aws_lb_listener" "web" {
  for_each = local.listeners

  load_balancer_arn = aws_lb.web[0].arn
  port              = each.value
  protocol          = upper(each.key)
  ssl_policy        = each.key == "https" ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : null
  certificate_arn   = each.key == "https" ? var.certificate_arn : null

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "ok"
      status_code  = "200"
    }
  }
}
