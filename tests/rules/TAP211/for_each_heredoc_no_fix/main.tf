# The groups come from a heredoc list; a random_password copying this for_each would re-indent
# the heredoc's lines and no longer have one instance per group.
resource "aws_elasticache_replication_group" "queue" {
  for_each = toset(split("\n", trimspace(<<EOT
jobs
rate-limits
EOT
  )))

  replication_group_id       = "queue-${each.key}"
  description                = "Queue ${each.key}"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = true
}
