variable "block_public" {
  type    = bool
  default = true
}

# Matched to the bucket by its literal name.
resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = "acme-ok-logs"
  block_public_acls       = var.block_public
  block_public_policy     = var.block_public
  ignore_public_acls      = true
  restrict_public_buckets = true

  depends_on = [aws_s3_bucket.logs]
}
