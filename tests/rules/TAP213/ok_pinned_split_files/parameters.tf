resource "aws_elasticache_parameter_group" "feed" {
  name   = "activity-feed-valkey7"
  family = "valkey7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lfu"
  }
}
