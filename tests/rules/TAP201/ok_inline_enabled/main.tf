variable "versioning" {
  type    = bool
  default = true
}

resource "aws_s3_bucket" "legacy" {
  bucket = "acme-legacy"
  versioning {
    enabled = var.versioning
  }
}
