variable "subnet_group_name" {
  type = string
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "app-sessions"
  description          = "Session store"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
  subnet_group_name    = var.subnet_group_name

  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true

  tags = {
    Service = "sessions"
  }
}
