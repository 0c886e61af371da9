variable "public_subnet_ids" {
  type = list(string)
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"

  tags = {
    Consumer = aws_lb.web.name
  }
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids

  access_logs {
    bucket  = "acme-web-alb-logs"
    prefix  = "alb"
    enabled = true
  }
}
