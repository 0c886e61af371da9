variable "private_subnet_ids" {
  description = "Subnets the instances run in."
  type        = list(string)
}

variable "ami_id" {
  description = "AMI the instances boot."
  type        = string
}

variable "enabled" {
  description = "Create the worker group."
  type        = bool
  default     = true
}

resource "aws_sns_topic" "ops" {
  name = "ops-notifications"
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = var.ami_id
  instance_type = "t3.small"
}

resource "aws_autoscaling_group" "workers" {
  count = var.enabled ? 1 : 0

  name_prefix         = "workers-"
  min_size            = 0
  max_size            = 10
  vpc_zone_identifier = var.private_subnet_ids

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
}

resource "aws_cloudwatch_metric_alarm" "backlog" {
  alarm_name          = "workers-backlog"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 1000
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.ops.arn]
}
