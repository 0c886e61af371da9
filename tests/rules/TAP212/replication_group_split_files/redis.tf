resource "aws_elasticache_replication_group" "sessions" {
  # Session store for the checkout service.
  replication_group_id = "${local.name_prefix}-session-store"
  description          = "Checkout session store"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
}
