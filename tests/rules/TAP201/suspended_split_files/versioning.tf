locals {
  versioning_status = "Suspended"
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  versioning_configuration {
    status = local.versioning_status
  }
}
