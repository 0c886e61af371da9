variable "vpc_id" {
  type = string
}

variable "egress_rules" {
  description = "No default: set per environment."
  type = list(object({
    port  = number
    cidrs = list(string)
  }))
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id

  dynamic "egress" {
    for_each = var.egress_rules
    content {
      from_port   = egress.value.port
      to_port     = egress.value.port
      protocol    = "tcp"
      cidr_blocks = egress.value.cidrs
    }
  }
}
