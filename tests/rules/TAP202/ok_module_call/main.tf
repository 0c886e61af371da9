resource "aws_s3_bucket" "uploads" {
  bucket = "acme-user-uploads"
}

# The shared module adds the public access block, encryption and the bucket policy.
module "uploads_guard" {
  source    = "./modules/bucket-guard"
  bucket_id = aws_s3_bucket.uploads.id
}
