resource "aws_s3_bucket" "replica" {
  count  = 2
  bucket = "acme-replica-${count.index}"
}

resource "aws_s3_bucket_versioning" "replica" {
  count  = 2
  bucket = aws_s3_bucket.replica[count.index].id
  versioning_configuration {
    status = "Enabled"
  }
}
