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

variable "admin_cidr" {
  description = "The one network allowed to administer the VPC."
  type        = string
  default     = "192.168.10.0/24"

  validation {
    condition     = can(cidrhost(var.admin_cidr, 0))
    error_message = "The admin_cidr must be a CIDR block."
  }
}

variable "ipv6_cidr_block_network_border_group" {
  description = "Where AWS advertises the VPC's IPv6 block: a zone group, not a CIDR."
  type        = string
  default     = null
}
