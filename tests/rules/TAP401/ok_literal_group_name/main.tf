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

resource "aws_sns_topic" "asg_events" {
  name = "checkout-asg-events"
}

resource "aws_autoscaling_notification" "app" {
  group_names   = ["checkout-app"]
  notifications = ["autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"]
  topic_arn     = aws_sns_topic.asg_events.arn
}
