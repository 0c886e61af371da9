resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-app-logs-${random_id.suffix.hex}"
}
