variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "certificate_arn" {
  type = string
}

variable "office_cidrs" {
  description = "Office ranges that may use the internal portal."
  type        = list(string)
  default     = ["10.20.0.0/16", "192.168.10.0/24"]
}

resource "aws_security_group" "portal_alb" {
  name_prefix = "portal-alb-"
  description = "Internal portal load balancer"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTPS from the offices"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.office_cidrs
  }

  egress {
    description = "To the portal instances"
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_lb" "portal" {
  name               = "portal"
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.portal_alb.id]
  subnets            = var.private_subnet_ids
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "ok"
      status_code  = "200"
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
