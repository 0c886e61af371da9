locals {
  bucket_id = aws_s3_bucket.data.id
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = local.bucket_id
  versioning_configuration {
    status = "Enabled"
  }
}
