output "lb_dns_name" {
  value = aws_lb.app.dns_name
}

output "queue_urls" {
  value = aws_sqs_queue.jobs[*].url
}

output "queue_arns_by_index" {
  value = { for i, q in aws_sqs_queue.jobs : i => q.arn }
}

output "account_id" {
  value     = data.aws_caller_identity.current.account_id
  sensitive = false
}

output "lb_url" {
  value = "https://${aws_lb.app.dns_name}/"
}
