variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "main" {
  identifier             = "orders"
  engine                 = "postgres"
  instance_class         = "db.t4g.medium"
  allocated_storage      = 20
  username               = "orders"
  password               = var.db_password
  port                   = 5432
  vpc_security_group_ids = [aws_security_group.db.id]
  skip_final_snapshot    = true
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "orders-cache"
  description          = "Orders cache"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
  security_group_ids   = [aws_security_group.cache.id]
}
