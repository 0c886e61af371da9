resource "aws_elasticache_parameter_group" "cache" {
  name   = "pricing-cache-redis7"
  family = "redis7"
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "pricing-cache"
  description          = "Price lookups"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
  parameter_group_name = aws_elasticache_parameter_group.cache.name
}

# A read replica added as a cluster: engine, version and parameter group come from the group.
resource "aws_elasticache_cluster" "replica" {
  cluster_id           = "pricing-cache-replica"
  replication_group_id = aws_elasticache_replication_group.cache.id
}
