variable "security_group_ids" {
  type = list(string)
}

output "security_group_ids" {
  value = var.security_group_ids
}
