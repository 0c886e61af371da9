variable "app_password" {
  type      = string
  sensitive = true
}

resource "aws_elasticache_user" "default" {
  user_id       = "app-default"
  user_name     = "default"
  access_string = "off -@all"
  engine        = "redis"
  passwords     = [var.app_password]
}

resource "aws_elasticache_user_group" "app" {
  engine        = "redis"
  user_group_id = "app"
  user_ids      = [aws_elasticache_user.default.user_id]
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "app-sessions"
  description                = "Session store with RBAC"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 1
  transit_encryption_enabled = true
  user_group_ids             = [aws_elasticache_user_group.app.id]
}
