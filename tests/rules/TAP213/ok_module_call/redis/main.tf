variable "name" {
  description = "Replication group ID."
  type        = string
}

variable "parameter_group_name" {
  description = "Parameter group of the replication group."
  type        = string
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Managed by the redis module"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
  parameter_group_name = var.parameter_group_name
}
