variable "private_subnet_ids" {
  description = "Subnets the instances run in."
  type        = list(string)
}

variable "ami_id" {
  description = "AMI the instances boot."
  type        = string
}

variable "lifecycle_hooks" {
  description = "Lifecycle hooks of the group, by name."
  type = map(object({
    transition = string
    timeout    = number
  }))
  default = {}
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

  dynamic "initial_lifecycle_hook" {
    for_each = var.lifecycle_hooks

    content {
      name                 = initial_lifecycle_hook.key
      lifecycle_transition = initial_lifecycle_hook.value.transition
      heartbeat_timeout    = initial_lifecycle_hook.value.timeout
    }
  }
}
