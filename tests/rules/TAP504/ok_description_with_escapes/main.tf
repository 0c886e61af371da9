variable "subnet_ids" {
  description = "Subnets of the load balancer."
  type        = list(string)
}

resource "aws_lb" "app" {
  name    = "orders-app"
  subnets = var.subnet_ids
}

resource "aws_sqs_queue" "jobs" {
  count = 2
  name  = "orders-jobs-${count.index}"
}

data "aws_caller_identity" "current" {}

output "lb_dns_name" {
  description = "DNS name (\"host\" part of https://host/) of the load balancer."
  value       = aws_lb.app.dns_name
}
