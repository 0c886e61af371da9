resource "aws_s3_bucket" "team" {
  for_each = toset(split("\n", trimspace(<<EOT
payments
search
EOT
  )))
  bucket = "acme-${each.key}"
}
