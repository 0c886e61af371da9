variable "private_subnet_ids" {
  description = "Subnets the instances run in."
  type        = list(string)
}

variable "ami_id" {
  description = "AMI the instances boot."
  type        = string
}

variable "name" {
  description = "Name prefix of the stack."
  type        = string
  default     = "orders"
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = var.ami_id
  instance_type = "t3.small"
}

# Web tier.
resource "aws_autoscaling_group" "web" {
  name                = "${var.name}-web"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = var.private_subnet_ids

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
}
