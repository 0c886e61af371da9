variable "worker_ami_id" {
  type = string
}

# The worker reads its database host from the user data.
resource "aws_instance" "worker" {
  ami                    = var.worker_ami_id
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.worker.id]

  user_data = <<-EOT
    #!/bin/bash
    echo "DB_HOST=${aws_db_instance.orders.address}" >> /etc/orders.env
  EOT
}
