variable "retention_days" {
  description = "Days to keep report objects."
  type        = number
  default     = 90
}

locals {
  noncurrent_days = 60
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
}

resource "aws_s3_bucket_versioning" "reports" {
  bucket = aws_s3_bucket.reports.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id

  rule {
    id     = "reports"
    status = "Enabled"
    filter {}
    expiration {
      days = var.retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = local.noncurrent_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.reports]
}
