resource "aws_elasticache_parameter_group" "queue" {
  name   = "jobs-queue-valkey8"
  family = "valkey8"
}

resource "aws_elasticache_replication_group" "queue" {
  replication_group_id = "jobs-queue"
  description          = "Background job queue"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
  parameter_group_name = aws_elasticache_parameter_group.queue.name
}
