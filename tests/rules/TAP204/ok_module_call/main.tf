resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"
}

# The logging module attaches the ELB write policy to the bucket.
module "log_bucket_policy" {
  source    = "./modules/alb-log-policy"
  bucket_id = aws_s3_bucket.logs.id
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
