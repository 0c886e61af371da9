variable "security_group_id" {
  description = "Group created by the network stack."
  type        = string
}

resource "aws_security_group_rule" "all_out" {
  type              = "egress"
  security_group_id = var.security_group_id
  protocol          = "all"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
