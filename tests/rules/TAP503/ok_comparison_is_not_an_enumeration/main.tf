variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "staging"
}

resource "aws_s3_bucket" "logs" {
  bucket        = "acme-logs-${var.environment}"
  force_destroy = var.environment != "production"
}
