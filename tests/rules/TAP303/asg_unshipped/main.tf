data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-arm64"]
  }
}

resource "aws_launch_template" "queue_worker" {
  name_prefix   = "queue-worker-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "t4g.medium"

  user_data = base64encode(<<-EOT
    #!/bin/bash
    dnf install -y python3.11
    mkdir -p /var/log/queue-worker /opt/queue-worker
    pip3.11 install queue-worker==3.2.0
    nohup queue-worker --log-file /var/log/queue-worker/worker.log &
  EOT
  )
}

resource "aws_autoscaling_group" "queue_worker" {
  name                = "queue-worker"
  min_size            = 1
  max_size            = 4
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  launch_template {
    id      = aws_launch_template.queue_worker.id
    version = "$Latest"
  }
}
