variable "azs" {
  description = "Zones to create subnets in."
  type        = set(string)
}

resource "aws_vpc" "this" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "this" {
  for_each = var.azs

  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet("10.1.0.0/16", 8, index(sort(tolist(var.azs)), each.key))
  availability_zone = each.key
}
