variable "networks" {
  type = map(string)
  default = {
    blue  = "10.91.0.0/16"
    green = "10.92.0.0/16"
  }
}

resource "aws_vpc" "this" {
  for_each   = var.networks
  cidr_block = each.value
}

resource "aws_s3_bucket" "flow_logs" {
  bucket = "acme-flow-logs"
}

resource "aws_flow_log" "this" {
  for_each             = aws_vpc.this
  vpc_id               = each.value.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn
}
