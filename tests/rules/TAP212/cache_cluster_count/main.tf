variable "team" {
  type    = string
  default = "Checkout"
}

resource "aws_elasticache_cluster" "cache" {
  count = 2

  cluster_id      = format("%s-cache-%02d", var.team, count.index + 1)
  engine          = "memcached"
  node_type       = "cache.t4g.small"
  num_cache_nodes = 1
}
