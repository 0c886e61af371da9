variable "engine_version" {
  description = "Redis engine version; every environment sets its own."
  type        = string
}

resource "aws_elasticache_parameter_group" "cache" {
  name   = "search-cache-redis7"
  family = "redis7"
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "search-cache"
  description          = "Search results cache"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = "cache.t4g.medium"
  num_cache_clusters   = 2
  parameter_group_name = aws_elasticache_parameter_group.cache.name
}
