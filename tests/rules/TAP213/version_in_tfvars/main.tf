variable "redis_version" {
  description = "Engine version, set per environment."
  type        = string
  default     = "7.1"
}

resource "aws_elasticache_parameter_group" "rate_limit" {
  name   = "rate-limit-redis7"
  family = "redis7"
}

resource "aws_elasticache_replication_group" "rate_limit" {
  replication_group_id = "rate-limit"
  description          = "API rate limiting counters"
  engine               = "redis"
  engine_version       = var.redis_version
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
  parameter_group_name = aws_elasticache_parameter_group.rate_limit.name
}
