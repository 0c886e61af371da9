locals {
  redis_parameters = {
    "maxmemory-policy" = "allkeys-lru"
    "timeout"          = "300"
  }
}

resource "aws_elasticache_parameter_group" "cache" {
  name   = "catalog-cache-redis7"
  family = "redis7"

  dynamic "parameter" {
    for_each = local.redis_parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "catalog-cache"
  description          = "Product catalog cache"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
  parameter_group_name = aws_elasticache_parameter_group.cache.name

  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
}
