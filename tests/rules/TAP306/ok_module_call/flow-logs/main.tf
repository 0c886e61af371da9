variable "vpc_id" {
  type = string
}

resource "aws_s3_bucket" "flow_logs" {
  bucket_prefix = "flow-logs-"
}

resource "aws_flow_log" "this" {
  vpc_id               = var.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn
}
