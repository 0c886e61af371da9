variable "vpc_id" {
  type = string
}

resource "aws_security_group" "batch" {
  name_prefix = "batch-"
  description = "Batch jobs"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "batch" {
  for_each = toset(["0.0.0.0/0", "10.0.0.0/8"])

  security_group_id = aws_security_group.batch.id
  cidr_ipv4         = each.value
  ip_protocol       = "-1"
}

resource "aws_instance" "batch" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "c7g.large"
  vpc_security_group_ids = [aws_security_group.batch.id]
}
