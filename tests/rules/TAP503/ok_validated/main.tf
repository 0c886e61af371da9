variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && endswith(var.vpc_cidr, "/16")
    error_message = "The vpc_cidr must be a /16 block."
  }
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}
