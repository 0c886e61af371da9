variable "create_vpc" {
  description = "Create a dedicated VPC instead of using the shared one."
  type        = bool
  default     = false
}

resource "aws_vpc" "dedicated" {
  count      = var.create_vpc ? 1 : 0
  cidr_block = "10.97.0.0/16"
}
