variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "prod"
}

variable "kms_key_arn" {
  description = "KMS key for storage encryption."
  type        = string
}
