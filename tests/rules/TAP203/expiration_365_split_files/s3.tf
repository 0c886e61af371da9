resource "aws_s3_bucket" "audit" {
  bucket = "acme-audit-exports"
}
