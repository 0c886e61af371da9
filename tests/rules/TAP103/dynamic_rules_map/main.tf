variable "vpc_id" {
  type = string
}

locals {
  ingress_rules = {
    https = { port = 443, cidrs = ["0.0.0.0/0"] }
    ssh   = { port = 22, cidrs = ["0.0.0.0/0"] }
  }
}

resource "aws_security_group" "edge" {
  name_prefix = "edge-"
  description = "Edge proxy"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = local.ingress_rules

    content {
      description = ingress.key
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }
}
