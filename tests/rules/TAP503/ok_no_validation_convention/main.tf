# A reusable module in the style of most public ones: no variable is validated, and the provider
# checks these arguments itself at plan. Nothing here breaks the module's own convention.
variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "instance_type" {
  description = "EC2 instance type of the workers."
  type        = string
  default     = "m6i.large"
}

variable "flow_log_traffic_type" {
  description = "Which traffic the flow log records."
  type        = string
  default     = "ALL"
}

variable "egress_cidr_blocks" {
  description = "Named like CIDRs, and used as CIDRs, but no sibling is validated either."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

resource "aws_vpc" "this" {
  cidr_block = var.vpc_cidr
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = var.instance_type
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = var.flow_log_traffic_type
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}

resource "aws_security_group" "workers" {
  name   = "workers"
  vpc_id = aws_vpc.this.id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.egress_cidr_blocks
  }
}
