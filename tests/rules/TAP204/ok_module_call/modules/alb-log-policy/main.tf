variable "bucket_id" {
  type = string
}

data "aws_elb_service_account" "main" {}

resource "aws_s3_bucket_policy" "this" {
  bucket = var.bucket_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Principal = { AWS = data.aws_elb_service_account.main.arn }
      Resource  = "arn:aws:s3:::${var.bucket_id}/*"
    }]
  })
}
