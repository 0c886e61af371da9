locals {
  # Reports used to be shared through a public bucket policy.
  allow_public_policies = true
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket = aws_s3_bucket.reports.id

  block_public_acls   = true
  block_public_policy = !local.allow_public_policies
  ignore_public_acls  = true
}
