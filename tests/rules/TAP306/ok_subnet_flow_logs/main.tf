resource "aws_vpc" "main" {
  cidr_block = "10.95.0.0/16"
}

resource "aws_subnet" "public" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.95.0.0/16", 8, count.index)
}

resource "aws_s3_bucket" "flow_logs" {
  bucket = "acme-edge-flow-logs"
}

# Only the internet-facing subnets are recorded, on purpose.
resource "aws_flow_log" "public" {
  count                = 2
  subnet_id            = aws_subnet.public[count.index].id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn
}
