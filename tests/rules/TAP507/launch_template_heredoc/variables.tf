variable "app_port" {
  description = "Port the service listens on."
  type        = number
  default     = 8080
}

variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "staging"
}
