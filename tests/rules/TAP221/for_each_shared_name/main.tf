variable "tenants" {
  description = "Tenant databases and their instance classes."
  type        = map(string)
  default = {
    acme   = "db.t4g.medium"
    globex = "db.t4g.large"
  }
}

variable "final_snapshot_name" {
  description = "Name of the snapshot taken when a tenant database is deleted."
  type        = string
  default     = "tenant-final"
}

resource "aws_db_instance" "tenant" {
  for_each = var.tenants

  identifier        = "tenant-${each.key}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = each.value
  allocated_storage = 50

  username                    = "tenant_admin"
  manage_master_user_password = true

  final_snapshot_identifier = var.final_snapshot_name
}
