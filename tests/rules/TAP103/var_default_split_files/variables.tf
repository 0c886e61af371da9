variable "vpc_id" {
  description = "VPC of the app instances."
  type        = string
}

variable "ssh_ingress_cidr" {
  description = "CIDR allowed to SSH into the app instances."
  type        = string
  default     = "0.0.0.0/0"
}
