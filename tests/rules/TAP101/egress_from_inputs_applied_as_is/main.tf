provider "aws" {
  region = "eu-west-1"
}

variable "vpc_id" {
  description = "VPC of the instance."
  type        = string
}

variable "security_group_egress_rules" {
  description = "Egress rules of the instance's security group."
  type = map(object({
    cidr_ipv4   = optional(string)
    ip_protocol = optional(string, "tcp")
  }))
  default = {
    ipv4_default = {
      cidr_ipv4   = "0.0.0.0/0"
      ip_protocol = "-1"
    }
  }
}

resource "aws_security_group" "this" {
  name   = "instance"
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = var.security_group_egress_rules

  security_group_id = aws_security_group.this.id
  cidr_ipv4         = each.value.cidr_ipv4
  ip_protocol       = each.value.ip_protocol
}

resource "aws_instance" "this" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.this.id]
}
