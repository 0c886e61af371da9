variable "private_subnet_ids" {
  description = "Subnets the instances run in."
  type        = list(string)
}

variable "ami_id" {
  description = "AMI the instances boot."
  type        = string
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = var.ami_id
  instance_type = "t3.small"
}

resource "aws_autoscaling_group" "app" {
  name                = "checkout-app"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = var.private_subnet_ids

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
}

resource "aws_sns_topic" "fleet_events" {
  name = "fleet-events"
}

resource "aws_cloudwatch_event_rule" "asg_failures" {
  name = "asg-launch-failures"
  event_pattern = jsonencode({
    source        = ["aws.autoscaling"]
    "detail-type" = ["EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"]
  })
}

resource "aws_cloudwatch_event_target" "asg_failures" {
  rule = aws_cloudwatch_event_rule.asg_failures.name
  arn  = aws_sns_topic.fleet_events.arn
}
