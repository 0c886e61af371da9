variable "public_subnet_ids" {
  type = list(string)
}

variable "security_group_ids" {
  description = "Groups created by the network stack."
  type        = list(string)
}

resource "aws_lb" "app" {
  name               = "app"
  load_balancer_type = "application"
  security_groups    = var.security_group_ids
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
