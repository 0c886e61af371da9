variable "vpc_id" {
  type = string
}

locals {
  prefix = "checkout-production"
  services = {
    api           = 8080
    admin-console = 9000
  }
}

resource "aws_lb_target_group" "service" {
  for_each = local.services

  name     = "${local.prefix}-${each.key}-tg"
  port     = each.value
  protocol = "HTTP"
  vpc_id   = var.vpc_id
}
