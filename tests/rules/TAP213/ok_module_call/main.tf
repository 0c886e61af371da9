resource "aws_elasticache_parameter_group" "sessions" {
  name   = "sessions-redis7"
  family = "redis7"
}

module "sessions" {
  source = "./redis"

  name                 = "sessions"
  parameter_group_name = aws_elasticache_parameter_group.sessions.name
}
