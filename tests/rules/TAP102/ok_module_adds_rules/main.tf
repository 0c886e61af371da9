variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "certificate_arn" {
  type = string
}

resource "aws_security_group" "alb" {
  name_prefix = "alb-"
  description = "Public load balancer"
  vpc_id      = var.vpc_id
}

# The shared module opens the standard web ports on the group.
module "alb_rules" {
  source            = "./modules/web-ingress"
  security_group_id = aws_security_group.alb.id
}

resource "aws_lb" "app" {
  name               = "app"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = var.public_subnet_ids
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
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
