variable "size" {
  description = "T-shirt size; unknown sizes get the smallest type."
  type        = string
  default     = "small"
}

locals {
  instance_types = {
    small = "t3.small"
    large = "m6i.large"
  }
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = lookup(local.instance_types, var.size, "t3.micro")
}
