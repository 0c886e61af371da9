resource "aws_s3_bucket" "media" {
  bucket = "acme-media-uploads"
}

resource "aws_s3_bucket_lifecycle_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  rule {
    id     = "cool-down"
    status = "Enabled"

    filter {
      prefix = "uploads/"
    }

    transition {
      days          = 7
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = 120
    }
  }
}
