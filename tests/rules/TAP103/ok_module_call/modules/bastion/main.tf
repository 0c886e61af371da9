variable "vpc_id" {
  type = string
}

variable "ssh_cidrs" {
  type = list(string)
}

resource "aws_security_group" "this" {
  name_prefix = "bastion-"
  description = "Bastion"
  vpc_id      = var.vpc_id
}
