# Written for Terraform 0.12: the quoted type is an error from 0.15 on.
variable "bucket_name" {
  type    = "string"
  default = "legacy-reports"
}

resource "aws_s3_bucket" "reports" {
  bucket = var.bucket_name
}
