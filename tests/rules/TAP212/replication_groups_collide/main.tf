variable "name_prefix" {
  type    = string
  default = "storefront-checkout-production"
}

resource "aws_elasticache_replication_group" "primary" {
  replication_group_id = "${var.name_prefix}-sessions-primary"
  description          = "Sessions (primary region)"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
}

resource "aws_elasticache_replication_group" "replica" {
  replication_group_id = "${var.name_prefix}-sessions-replica"
  description          = "Sessions (read replica)"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}
