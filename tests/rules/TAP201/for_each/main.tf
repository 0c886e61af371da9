resource "aws_s3_bucket" "team" {
  for_each = toset(["payments", "search"])
  bucket   = "acme-${each.key}"
}
