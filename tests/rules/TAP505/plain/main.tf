resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Session store"
  node_type            = var.node_type
  num_cache_clusters   = 2
}
