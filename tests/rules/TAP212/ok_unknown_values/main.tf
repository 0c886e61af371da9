variable "cache_name" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "logs" {
  # Unknown until apply: the account ID comes from a data source.
  bucket = "acme-very-long-application-load-balancer-logs-${data.aws_caller_identity.current.account_id}"
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "${var.cache_name}-replication-group-for-the-session-store"
  description          = "Cache"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}
