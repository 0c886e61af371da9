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

output "lb_zone_id" {
  description = <<-EOT
            Route 53 zone ID of the load balancer,
            for alias records.
          EOT
  value       = aws_lb.app.zone_id
}
