provider "aws" {
  region = "eu-west-1"
}

variable "block_public_access" {
  description = "Attach an S3 Block Public Access configuration to the bucket."
  type        = bool
  default     = false
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
}

resource "aws_s3_bucket_public_access_block" "reports" {
  count = var.block_public_access ? 1 : 0

  bucket                  = aws_s3_bucket.reports.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
