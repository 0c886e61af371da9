variable "transit_encryption" {
  description = "No default: every environment decides."
  type        = bool
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "app-sessions"
  description                = "Session store"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 1
  transit_encryption_enabled = var.transit_encryption
}
