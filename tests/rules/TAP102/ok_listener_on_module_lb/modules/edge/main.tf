variable "subnet_ids" {
  type = list(string)
}

resource "aws_lb" "this" {
  name               = "edge"
  load_balancer_type = "application"
  subnets            = var.subnet_ids
}

output "lb_arn" {
  description = "ARN of the edge load balancer."
  value       = aws_lb.this.arn
}
