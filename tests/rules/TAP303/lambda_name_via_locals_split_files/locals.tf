locals {
  prefix = "media-${var.environment}"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "role_arn" {
  type = string
}
