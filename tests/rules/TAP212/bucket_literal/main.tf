resource "aws_s3_bucket" "archive" {
  bucket = "ACME-Finance-Archive"

  tags = {
    Team = "finance"
  }
}
