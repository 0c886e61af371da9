variable "vpc_id" {
  description = "The VPC to record."
  type        = string
}

resource "aws_flow_log" "this" {
  vpc_id               = var.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::network-flow-logs"
}
