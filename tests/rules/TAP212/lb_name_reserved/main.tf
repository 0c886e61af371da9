variable "tier" {
  type    = string
  default = "internal"
}

variable "subnet_ids" {
  type = list(string)
}

resource "aws_lb" "api" {
  name               = "${var.tier}-api"
  internal           = true
  load_balancer_type = "application"
  subnets            = var.subnet_ids
}
