variable "log_bucket_name" {
  description = "Central logging bucket owned by the security account."
  type        = string
  default     = "acme-central-alb-logs"
}

variable "public_subnet_ids" {
  type = list(string)
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids

  access_logs {
    bucket  = var.log_bucket_name
    prefix  = "alb"
    enabled = true
  }
}
