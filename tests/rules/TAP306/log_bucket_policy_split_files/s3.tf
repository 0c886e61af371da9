resource "aws_s3_bucket" "access_logs" {
  bucket = "acme-web-access-logs"
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  # eu-west-1's Elastic Load Balancing account writes the access logs.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ELBAccessLogs"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::156460612806:root" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs.arn}/web/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
      }
    ]
  })
}
