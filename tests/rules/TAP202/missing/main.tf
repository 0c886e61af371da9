variable "environment" {
  type    = string
  default = "staging"
}

# Build artifacts published by CI.
resource "aws_s3_bucket" "artifacts" {
  bucket = "acme-${var.environment}-artifacts"

  tags = {
    Purpose = "ci-artifacts"
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  versioning_configuration {
    status = "Enabled"
  }
}
