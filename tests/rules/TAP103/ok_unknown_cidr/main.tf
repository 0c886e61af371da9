variable "vpc_id" {
  type = string
}

variable "admin_cidr" {
  description = "Where administrators connect from."
  type        = string
}

resource "aws_security_group" "ops" {
  name_prefix = "ops-"
  description = "Ops hosts"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "ops_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.ops.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = [var.admin_cidr]
}
