resource "aws_elasticache_replication_group" "tenant" {
  count = length(var.tenants)

  replication_group_id       = "cache-${var.tenants[count.index]}"
  description                = "Cache of tenant ${var.tenants[count.index]}"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = var.encrypt_in_transit
}
