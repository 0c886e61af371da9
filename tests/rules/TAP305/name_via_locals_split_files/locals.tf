locals {
  name = "${var.service}-${var.environment}"
}

variable "service" {
  type    = string
  default = "checkout"
}

variable "environment" {
  type    = string
  default = "staging"
}

variable "log_retention_days" {
  description = "Days to keep security logs."
  type        = number
  default     = 365
}
