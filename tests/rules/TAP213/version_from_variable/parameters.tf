resource "aws_elasticache_parameter_group" "sessions" {
  name        = "sessions-redis7"
  family      = "redis7"
  description = "Session store parameters"

  parameter {
    name  = "maxmemory-policy"
    value = "volatile-lru"
  }
}
