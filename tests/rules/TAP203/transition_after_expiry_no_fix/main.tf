# Objects expire after 20 days: moving the transition to day 30 would put it after the expiry,
# so the finding comes without a fix.
resource "aws_s3_bucket" "scratch" {
  bucket = "acme-scratch-exports"
}

resource "aws_s3_bucket_lifecycle_configuration" "scratch" {
  bucket = aws_s3_bucket.scratch.id

  rule {
    id     = "short-lived"
    status = "Enabled"

    filter {
      prefix = "exports/"
    }

    transition {
      days          = 7
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = 20
    }
  }
}
