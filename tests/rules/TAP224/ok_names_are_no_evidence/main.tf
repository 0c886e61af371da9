# Named like secrets, none is one: no sensitive argument receives any of them. The replica's
# identifier only decides whether the password is set; the password variable itself is sensitive.
variable "master_user_password_rotation_duration" {
  description = "How often Secrets Manager rotates the master password, e.g. 7d."
  type        = string
  default     = null
}

variable "master_user_password_rotation_schedule_expression" {
  description = "A cron expression for the rotation."
  type        = string
  default     = null
}

variable "auth_token_update_strategy" {
  description = "SET, ROTATE or DELETE."
  type        = string
  default     = "ROTATE"
}

variable "creation_token" {
  description = "Idempotency token of the file system."
  type        = string
  default     = null
}

variable "default_user" {
  description = "A map of default user attributes, passwords among them."
  type        = any
  default     = {}
}

variable "replicate_source_db" {
  description = "Identifier of the database this one replicates."
  type        = string
  default     = null
}

variable "database_password" {
  description = "Master password."
  type        = string
  default     = null
  sensitive   = true
}

locals {
  is_replica = try(length(var.replicate_source_db), 0) > 0
}

resource "aws_db_instance" "this" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 20
  username            = "orders_admin"
  password            = local.is_replica ? null : var.database_password
  replicate_source_db = var.replicate_source_db
  skip_final_snapshot = true
}

resource "aws_secretsmanager_secret_rotation" "this" {
  secret_id = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders"

  rotation_rules {
    duration            = var.master_user_password_rotation_duration
    schedule_expression = var.master_user_password_rotation_schedule_expression
  }
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = "sessions"
  description                = "sessions"
  node_type                  = "cache.t4g.small"
  transit_encryption_enabled = true
  auth_token_update_strategy = var.auth_token_update_strategy
}

resource "aws_efs_file_system" "this" {
  creation_token = var.creation_token
}

resource "aws_elasticache_user" "default" {
  user_id       = "default-user"
  user_name     = "default"
  engine        = "redis"
  access_string = "on ~* +@all"
  passwords     = try(var.default_user.passwords, null)
}
