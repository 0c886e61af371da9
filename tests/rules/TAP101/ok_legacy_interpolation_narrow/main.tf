resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_security_group" "app" {
  name_prefix = "app-"
  description = "App instances"
  vpc_id      = "${aws_vpc.main.id}"
}

# Terraform 0.11 style: "${...}" around a reference is the reference itself.
resource "aws_security_group_rule" "app_in_vpc" {
  type              = "egress"
  security_group_id = "${aws_security_group.app.id}"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["${aws_vpc.main.cidr_block}"]
}
