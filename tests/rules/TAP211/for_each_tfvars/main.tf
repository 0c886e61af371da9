variable "tls" {
  description = "Encrypt client connections (set per environment)."
  type        = bool
  default     = false
}

resource "aws_elasticache_replication_group" "queue" {
  for_each = toset(["jobs", "rate-limits"])

  replication_group_id = "queue-${each.key}"
  description          = "Queue ${each.key}"
  node_type            = "cache.t4g.micro"
  num_cache_clusters   = 1

  transit_encryption_enabled = var.tls
}
