output "alb_dns_name" {
  description = "DNS name of the public load balancer."
  value       = aws_lb.app.dns_name
}

output "alb_zone_id" {
  description = "Route 53 zone ID of the load balancer, for alias records."
  value       = aws_lb.app.zone_id
}

output "db_endpoint" {
  description = "Connection endpoint (host:port) of the MySQL database."
  value       = aws_db_instance.main.endpoint
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis session store."
  value       = aws_elasticache_replication_group.sessions.primary_endpoint_address
}

output "log_bucket_name" {
  description = "Bucket receiving the load balancer access logs."
  value       = aws_s3_bucket.logs.bucket
}

output "alerts_topic_arn" {
  description = "SNS topic that receives CloudWatch alarms."
  value       = aws_sns_topic.alerts.arn
}

output "web_acl_arn" {
  value = aws_wafv2_web_acl.main.arn
}
