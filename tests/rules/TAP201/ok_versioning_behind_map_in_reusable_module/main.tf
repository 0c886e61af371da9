# terraform-aws-s3-bucket's shape: versioning exists, switched on by callers through a map.
variable "create_bucket" {
  description = "Controls if S3 bucket should be created."
  type        = bool
  default     = true
}

variable "versioning" {
  description = "Map containing versioning configuration."
  type        = map(string)
  default     = {}
}

variable "is_directory_bucket" {
  description = "If the s3 bucket created is a directory bucket."
  type        = bool
  default     = false
}

locals {
  create_bucket = var.create_bucket
}

resource "aws_s3_bucket" "this" {
  count = local.create_bucket ? 1 : 0

  bucket = "example-bucket"
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create_bucket && length(keys(var.versioning)) > 0 && !var.is_directory_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = try(var.versioning["status"], "Enabled")
  }
}
