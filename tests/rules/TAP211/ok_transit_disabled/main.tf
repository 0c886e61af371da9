locals {
  environment = "dev"
}

resource "aws_elasticache_replication_group" "scratch" {
  replication_group_id       = "dev-scratch"
  description                = "Scratch cache for development"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = local.environment == "prod"
}

resource "aws_elasticache_replication_group" "legacy" {
  replication_group_id = "dev-legacy"
  description          = "No transit encryption at all"
  node_type            = "cache.t4g.micro"
  num_cache_clusters   = 1
}
