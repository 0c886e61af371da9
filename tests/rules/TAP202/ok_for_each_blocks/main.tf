locals {
  teams = toset(["payments", "search"])
}

resource "aws_s3_bucket" "team" {
  for_each = local.teams
  bucket   = "acme-${each.key}-data"
}

resource "aws_s3_bucket_public_access_block" "team" {
  for_each = aws_s3_bucket.team

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
