variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "office_ranges" {
  description = "Networks allowed to reach the bastion."
  type        = list(string)
  default     = []
}

variable "ipv6_cidr" {
  description = "Optional IPv6 block of the VPC."
  type        = string
  default     = null
}
