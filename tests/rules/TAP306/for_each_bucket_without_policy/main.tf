variable "networks" {
  type = map(string)
  default = {
    shared  = "10.50.0.0/16"
    batch   = "10.51.0.0/16"
    preview = "10.52.0.0/16"
  }
}

resource "aws_vpc" "this" {
  for_each   = var.networks
  cidr_block = each.value

  tags = {
    Name = each.key
  }
}

resource "aws_s3_bucket" "network_logs" {
  bucket = "acme-network-logs"
}
