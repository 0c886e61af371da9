variable "vpc_id" {
  type = string
}

variable "subnets" {
  type = list(string)
}

variable "app_sg_id" {
  description = "Security group of the app tier, created by the app stack."
  type        = string
}

variable "oidc_client_secret" {
  type      = string
  sensitive = true
}

variable "certificate_arn" {
  type = string
}

resource "aws_security_group" "alb" {
  name   = "alb"
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = var.app_sg_id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
}

resource "aws_vpc_security_group_egress_rule" "alb_all" {
  security_group_id = aws_security_group.alb.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_lb" "web" {
  name            = "web"
  security_groups = [aws_security_group.alb.id]
  subnets         = var.subnets
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "authenticate-oidc"
    authenticate_oidc {
      authorization_endpoint = "https://idp.example.com/auth"
      client_id              = "id"
      client_secret          = var.oidc_client_secret
      issuer                 = "https://idp.example.com"
      token_endpoint         = "https://idp.example.com/token"
      user_info_endpoint     = "https://idp.example.com/userinfo"
    }
  }

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
