variable "name" {
  type = string
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_launch_template" "this" {
  name_prefix   = "${var.name}-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "g5.xlarge"
}

resource "aws_autoscaling_group" "this" {
  name               = var.name
  min_size           = 0
  max_size           = 10
  availability_zones = ["us-east-1a"]

  launch_template {
    id      = aws_launch_template.this.id
    version = "$Latest"
  }
}

output "name" {
  value = aws_autoscaling_group.this.name
}
