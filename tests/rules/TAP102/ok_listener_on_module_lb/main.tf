variable "public_subnet_ids" {
  type = list(string)
}

# The load balancer comes from a module; its groups are configured there.
module "edge" {
  source     = "./modules/edge"
  subnet_ids = var.public_subnet_ids
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = module.edge.lb_arn
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
