variable "flow_log_vpc_id" {
  description = "The VPC to record; the platform team decides which one."
  type        = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.94.0.0/16"
}

resource "aws_s3_bucket" "flow_logs" {
  bucket = "acme-flow-logs"
}

resource "aws_flow_log" "selected" {
  vpc_id               = var.flow_log_vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn
}
