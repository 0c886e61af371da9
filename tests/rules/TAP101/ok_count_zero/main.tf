variable "vpc_id" {
  type = string
}

variable "debug_egress" {
  description = "Temporarily open all egress while debugging."
  type        = bool
  default     = false
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "debug_all" {
  count = var.debug_egress ? 1 : 0

  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
