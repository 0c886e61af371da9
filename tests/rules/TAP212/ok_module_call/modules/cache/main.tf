variable "replication_group_id" {
  type = string
}

variable "bucket" {
  type = string
}

output "names" {
  value = [var.replication_group_id, var.bucket]
}
