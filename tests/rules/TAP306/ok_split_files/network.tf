resource "aws_vpc" "main" {
  cidr_block = "10.90.0.0/16"
}
