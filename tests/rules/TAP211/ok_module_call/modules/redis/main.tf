variable "transit_encryption_enabled" {
  type = bool
}

variable "replication_group_id" {
  type = string
}

output "settings" {
  value = {
    id      = var.replication_group_id
    tls     = var.transit_encryption_enabled
    managed = false
  }
}
