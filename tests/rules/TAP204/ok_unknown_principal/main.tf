variable "log_writer_arn" {
  description = "Principal that writes the access logs, set per environment."
  type        = string
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Principal = { AWS = var.log_writer_arn }
      Resource  = "${aws_s3_bucket.logs.arn}/*"
    }]
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
    prefix  = "alb"
    enabled = true
  }
}
