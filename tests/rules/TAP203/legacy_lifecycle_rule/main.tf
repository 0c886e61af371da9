resource "aws_s3_bucket" "backups" {
  bucket = "acme-db-backups"

  lifecycle_rule {
    id      = "expire-backups"
    enabled = true
    prefix  = "nightly/"

    expiration {
      days = 180
    }
  }
}
