variable "vpc_id" {
  type = string
}

variable "rdp_cidr" {
  description = "Range allowed to RDP into the build agents."
  type        = string
  default     = "10.0.0.0/8"
}

resource "aws_security_group" "agents" {
  name_prefix = "build-agents-"
  description = "Windows build agents"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "agents_rdp" {
  security_group_id = aws_security_group.agents.id
  cidr_ipv4         = var.rdp_cidr
  ip_protocol       = "tcp"
  from_port         = 3389
  to_port           = 3389
}
