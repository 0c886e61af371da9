data "aws_caller_identity" "current" {}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    prefix  = "web"
    enabled = true
  }

  depends_on = [aws_s3_bucket_policy.access_logs]
}
