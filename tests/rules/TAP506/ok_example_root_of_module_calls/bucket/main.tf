variable "name" {
  description = "Name of the bucket."
  type        = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}
