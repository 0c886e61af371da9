variable "vpc_id" {
  type = string
}

variable "debug_access" {
  description = "Open the debug group while investigating an incident."
  type        = bool
  default     = true
}

resource "aws_security_group" "debug" {
  name_prefix = "debug-"
  description = "Temporary debug access"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "debug_all" {
  count = var.debug_access ? 1 : 0

  type              = "ingress"
  security_group_id = aws_security_group.debug.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
