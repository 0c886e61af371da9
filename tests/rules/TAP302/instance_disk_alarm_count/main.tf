variable "nodes" {
  type    = number
  default = 3
}

data "aws_ami" "al2" {
  most_recent = true
  owners      = ["137112412989"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

resource "aws_iam_role" "broker" {
  name = "broker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "broker" {
  name = "broker"
  role = aws_iam_role.broker.name
}

resource "aws_instance" "broker" {
  count                = var.nodes
  ami                  = data.aws_ami.al2.id
  instance_type        = "r6i.xlarge"
  iam_instance_profile = aws_iam_instance_profile.broker.name

  user_data = <<-EOT
    #!/bin/bash
    yum install -y java-17-amazon-corretto-headless
    /opt/broker/bin/start --data-dir /data
  EOT
}

resource "aws_cloudwatch_metric_alarm" "broker_disk" {
  count               = var.nodes
  alarm_name          = "broker-${count.index}-root-disk"
  namespace           = "CWAgent"
  metric_name         = "disk_used_percent"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"

  dimensions = {
    InstanceId = aws_instance.broker[count.index].id
    path       = "/"
    device     = "nvme0n1p1"
    fstype     = "xfs"
  }
}
