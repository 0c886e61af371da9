# aws-ia/terraform-aws-vpc's shape: the VPC reaches a flow-log module through a local.
variable "create_flow_logs" {
  description = "Record the VPC's traffic."
  type        = bool
  default     = false
}

resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
}

locals {
  vpc = aws_vpc.main
}

module "flow_logs" {
  count  = var.create_flow_logs ? 1 : 0
  source = "./flow_logs"

  vpc_id = local.vpc.id
}
