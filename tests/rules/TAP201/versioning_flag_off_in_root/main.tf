provider "aws" {
  region = "eu-west-1"
}

variable "enable_versioning" {
  description = "Keep every version of the exported objects."
  type        = bool
  default     = false
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}

resource "aws_s3_bucket_versioning" "exports" {
  count = var.enable_versioning ? 1 : 0

  bucket = aws_s3_bucket.exports.id

  versioning_configuration {
    status = "Enabled"
  }
}
