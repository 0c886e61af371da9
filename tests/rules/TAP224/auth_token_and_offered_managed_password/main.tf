# A module offering both ways of setting the master password: a plain input and the managed one.
variable "auth_token" {
  description = "Password used to access a password-protected Redis server."
  type        = string
  default     = null
}

variable "database_password" {
  description = "Master password; leave null to let RDS manage it."
  type        = string
  default     = null
}

variable "manage_master_user_password" {
  description = "Let RDS manage the master password in Secrets Manager."
  type        = bool
  default     = true
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = "sessions"
  description                = "sessions"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = true
  auth_token                 = var.auth_token
}

resource "aws_db_instance" "this" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "orders_admin"
  password                    = var.database_password
  manage_master_user_password = var.database_password == null ? var.manage_master_user_password : null
  skip_final_snapshot         = true
}
