locals {
  azs = ["eu-west-1a", "eu-west-1b"]
}

resource "aws_vpc" "core" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.core.id
  cidr_block        = cidrsubnet("10.40.0.0/16", 8, count.index)
  availability_zone = local.azs[count.index]
}
