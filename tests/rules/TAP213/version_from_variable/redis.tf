locals {
  sessions_parameter_group = aws_elasticache_parameter_group.sessions.name
}

resource "aws_elasticache_replication_group" "sessions" {
  count = var.create_sessions ? 1 : 0

  replication_group_id = "sessions"
  description          = "Checkout sessions"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = "cache.r7g.large"
  num_cache_clusters   = 2
  parameter_group_name = local.sessions_parameter_group
}
