resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"
}

# Only the TLS guard; the statement for the load balancer was never added.
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

variable "public_subnet_ids" {
  type = list(string)
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    enabled = true
  }
}
