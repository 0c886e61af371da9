resource "aws_elasticache_parameter_group" "fragments" {
  name   = "page-fragments-memcached16"
  family = "memcached1.6"

  parameter {
    name  = "max_item_size"
    value = "2097152"
  }
}

resource "aws_elasticache_cluster" "fragments" {
  cluster_id           = "page-fragments"
  engine               = "memcached"
  node_type            = "cache.t4g.small"
  num_cache_nodes      = 2
  parameter_group_name = aws_elasticache_parameter_group.fragments.name
}
