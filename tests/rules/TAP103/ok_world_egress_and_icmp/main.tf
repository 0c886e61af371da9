variable "vpc_id" {
  type = string
}

resource "aws_security_group" "probe" {
  name_prefix = "probe-"
  description = "Uptime probe"
  vpc_id      = var.vpc_id

  ingress {
    description = "Ping"
    from_port   = 8
    to_port     = 0
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "SSH checks of remote hosts"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
