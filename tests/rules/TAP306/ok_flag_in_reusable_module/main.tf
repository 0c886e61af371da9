variable "create_vpc" {
  description = "Whether to create the VPC."
  type        = bool
  default     = true
}

variable "enable_flow_log" {
  description = "Whether or not to enable VPC Flow Logs."
  type        = bool
  default     = false
}

locals {
  enable_flow_log = var.create_vpc && var.enable_flow_log
  vpc_id          = try(aws_vpc_ipv4_cidr_block_association.this[0].vpc_id, aws_vpc.this[0].id, "")
}

resource "aws_vpc" "this" {
  count = var.create_vpc ? 1 : 0

  cidr_block = "10.60.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "this" {
  count = 0

  vpc_id     = aws_vpc.this[0].id
  cidr_block = "10.61.0.0/16"
}

resource "aws_flow_log" "this" {
  count = local.enable_flow_log ? 1 : 0

  vpc_id               = local.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::network-flow-logs"
}
