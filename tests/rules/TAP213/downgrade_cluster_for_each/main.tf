variable "tenants" {
  description = "Tenants that get a cache node of their own."
  type        = set(string)
  default     = ["acme", "globex"]
}

# One single-node cache per tenant, on the default Redis 6 parameter group.
resource "aws_elasticache_cluster" "tenant" {
  for_each = var.tenants

  cluster_id           = "tenant-${each.key}"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.t4g.micro"
  num_cache_nodes      = 1
  parameter_group_name = "default.redis6.x"
  port                 = 6379
}
