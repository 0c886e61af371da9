resource "aws_vpc" "main" {
  cidr_block                           = var.vpc_cidr
  assign_generated_ipv6_cidr_block     = true
  ipv6_cidr_block_network_border_group = var.ipv6_cidr_block_network_border_group
}

resource "aws_subnet" "dual_stack" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.40.1.0/24"
  ipv6_cidr_block = var.ipv6_cidr
}

resource "aws_security_group_rule" "admin_https" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = [var.admin_cidr]
}

resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = var.office_ranges
}
