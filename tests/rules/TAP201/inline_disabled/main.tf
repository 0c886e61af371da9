# Legacy inline versioning, switched off.
resource "aws_s3_bucket" "legacy" {
  bucket = "acme-legacy"
  versioning {
    enabled = false
  }
}
