resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"
}

variable "subnet_ids" {
  type = list(string)
}

# NLB access logs go through the log delivery service, not the ELB account.
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Resource  = "${aws_s3_bucket.logs.arn}/*"
    }]
  })
}

resource "aws_lb" "tcp" {
  name               = "tcp"
  load_balancer_type = "network"
  subnets            = var.subnet_ids

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    enabled = true
  }
}
