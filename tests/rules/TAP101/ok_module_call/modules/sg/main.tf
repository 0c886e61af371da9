variable "egress_cidr_blocks" {
  type = list(string)
}

variable "egress_protocol" {
  type = string
}

output "egress" {
  value = {
    cidrs    = var.egress_cidr_blocks
    protocol = var.egress_protocol
  }
}
