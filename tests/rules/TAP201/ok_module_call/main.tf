resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

module "bucket_settings" {
  source    = "./settings"
  bucket_id = aws_s3_bucket.data.id
}
