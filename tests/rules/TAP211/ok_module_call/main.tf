module "redis" {
  source = "./modules/redis"

  # Module inputs that look like replication-group arguments.
  transit_encryption_enabled = true
  replication_group_id       = "app-sessions"
}
