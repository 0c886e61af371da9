data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
}

variable "instance_profile_arn" {
  description = "Shared profile managed by the platform team."
  type        = string
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = data.aws_ssm_parameter.al2023.value
  instance_type = "m7g.large"

  iam_instance_profile {
    arn = var.instance_profile_arn
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    dnf install -y docker
    systemctl enable --now docker
  EOT
  )
}

resource "aws_autoscaling_group" "workers" {
  name                = "workers"
  min_size            = 1
  max_size            = 20
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001"]

  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }
}

# Scale on memory: the workers are memory-bound.
resource "aws_autoscaling_policy" "workers_memory" {
  name                   = "memory-target"
  autoscaling_group_name = aws_autoscaling_group.workers.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    target_value = 70

    customized_metric_specification {
      namespace   = "CWAgent"
      metric_name = "mem_used_percent"
      statistic   = "Average"

      metric_dimension {
        name  = "AutoScalingGroupName"
        value = aws_autoscaling_group.workers.name
      }
    }
  }
}
