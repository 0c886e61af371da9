variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}

# Los Angeles Local Zone: chosen on purpose, and not returned by the opt-in filter.
resource "aws_subnet" "edge" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.50.0/24"
  availability_zone = "us-west-2-lax-1a"
}
