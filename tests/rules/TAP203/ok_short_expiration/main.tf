resource "aws_s3_bucket" "tmp" {
  bucket = "acme-build-tmp"
}

resource "aws_s3_bucket_lifecycle_configuration" "tmp" {
  bucket = aws_s3_bucket.tmp.id

  # 45 days: no storage class would be held for its minimum billed duration.
  rule {
    id     = "expire-tmp"
    status = "Enabled"

    filter {
      prefix = ""
    }

    expiration {
      days = 45
    }
  }
}
