variable "subnet_cidr_newbits" {
  description = "Bits added to the VPC prefix for each subnet."
  type        = number
  default     = 8
}

variable "peer_cidr" {
  description = "CIDR of the peer network, empty when there is no peering."
  type        = string
  default     = ""
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, var.subnet_cidr_newbits, 1)
}

resource "aws_route" "peer" {
  count = var.peer_cidr == "" ? 0 : 1

  route_table_id         = aws_vpc.main.main_route_table_id
  destination_cidr_block = var.peer_cidr
  gateway_id             = "vgw-0123456789abcdef0"
}
