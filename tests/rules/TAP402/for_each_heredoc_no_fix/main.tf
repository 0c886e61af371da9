# The pools come from a heredoc list; a resource copying this for_each would re-indent the
# heredoc's lines and no longer have one instance per group.
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

resource "aws_autoscaling_group" "workers" {
  for_each = toset(split("\n", trimspace(<<EOT
batch
reports
EOT
  )))

  name                = "workers-${each.key}"
  min_size            = 0
  max_size            = 10
  vpc_zone_identifier = var.private_subnet_ids

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
}
