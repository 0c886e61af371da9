variable "vpc_id" {
  type = string
}

variable "subnet_id" {
  type = string
}

resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
}

resource "aws_security_group" "efs" {
  name   = "shared-efs"
  vpc_id = var.vpc_id
  egress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  revoke_rules_on_delete = true
}

resource "aws_efs_mount_target" "shared" {
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = var.subnet_id
  security_groups = [aws_security_group.efs.id]
}
