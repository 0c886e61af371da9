variable "private_subnet_ids" {
  description = "Subnets the instances run in."
  type        = list(string)
}

variable "ami_id" {
  description = "AMI the instances boot."
  type        = string
}

variable "hook_transition" {
  description = "Which transition the hook holds."
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

resource "aws_autoscaling_lifecycle_hook" "app" {
  name                   = "hold"
  autoscaling_group_name = aws_autoscaling_group.app.name
  lifecycle_transition   = var.hook_transition
  heartbeat_timeout      = 300
}
