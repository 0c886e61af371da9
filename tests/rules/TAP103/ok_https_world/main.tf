variable "vpc_id" {
  type = string
}

resource "aws_security_group" "web" {
  name_prefix = "web-"
  description = "Public web servers"
  vpc_id      = var.vpc_id

  ingress {
    description      = "HTTPS"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}
