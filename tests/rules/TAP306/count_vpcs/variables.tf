variable "vpc_cidrs" {
  description = "One VPC per CIDR (blue/green networks)."
  type        = list(string)
  default     = ["10.30.0.0/16", "10.31.0.0/16"]
}

variable "log_retention_days" {
  type    = number
  default = 30
}
