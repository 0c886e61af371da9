variable "vpc_id" {
  type = string
}

locals {
  everyone = ["0.0.0.0/0"]
}

resource "aws_security_group" "legacy" {
  name_prefix = "legacy-"
  description = "Legacy application server"
  vpc_id      = var.vpc_id

  ingress {
    description = "Legacy service ports"
    from_port   = 1000
    to_port     = 3400
    protocol    = "tcp"
    cidr_blocks = local.everyone
  }
}
