resource "aws_elasticache_replication_group" "feed" {
  replication_group_id = "activity-feed"
  description          = "Activity feed cache"
  engine               = "valkey"
  engine_version       = "7.2"
  node_type            = "cache.m7g.large"
  num_cache_clusters   = 2
  parameter_group_name = aws_elasticache_parameter_group.feed.name
}
