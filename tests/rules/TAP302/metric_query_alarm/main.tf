data "aws_ami" "al2023_minimal" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-minimal-*-x86_64"]
  }
}

resource "aws_iam_role" "cache" {
  name = "cache-nodes"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "cache" {
  role = aws_iam_role.cache.name
}

resource "aws_launch_template" "cache" {
  name_prefix   = "cache-"
  image_id      = data.aws_ami.al2023_minimal.id
  instance_type = "r7i.large"

  iam_instance_profile {
    arn = aws_iam_instance_profile.cache.arn
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    dnf install -y valkey
    systemctl enable --now valkey
  EOT
  )
}

resource "aws_autoscaling_group" "cache" {
  name_prefix         = "cache-"
  min_size            = 3
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001"]

  launch_template {
    id      = aws_launch_template.cache.id
    version = "$Latest"
  }
}

resource "aws_cloudwatch_metric_alarm" "cache_disk" {
  alarm_name          = "cache-disk-filling"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  threshold           = 85

  metric_query {
    id          = "disk"
    return_data = true

    metric {
      namespace   = "CWAgent"
      metric_name = "disk_used_percent"
      stat        = "Maximum"
      period      = 300

      dimensions = {
        AutoScalingGroupName = aws_autoscaling_group.cache.name
      }
    }
  }
}
