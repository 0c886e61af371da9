variable "vpc_id" {
  type = string
}

locals {
  egress_rules = [
    { protocol = "tcp", port = 443, cidrs = ["0.0.0.0/0"] },
    { protocol = "-1", port = 0, cidrs = ["0.0.0.0/0"] },
  ]
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id

  dynamic "egress" {
    for_each = local.egress_rules
    content {
      from_port   = egress.value.port
      to_port     = egress.value.port
      protocol    = egress.value.protocol
      cidr_blocks = egress.value.cidrs
    }
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
}
