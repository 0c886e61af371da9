variable "vpc_id" {
  type = string
}

variable "enable_public_ssh" {
  description = "Break-glass switch for SSH from anywhere."
  type        = bool
  default     = false
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "break_glass_ssh" {
  count = var.enable_public_ssh ? 1 : 0

  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}
