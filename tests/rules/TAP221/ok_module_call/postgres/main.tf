variable "identifier" {
  description = "DB instance identifier."
  type        = string
}

variable "final_snapshot_identifier" {
  description = "Name of the final snapshot; the caller makes it unique."
  type        = string
}

resource "aws_db_instance" "this" {
  identifier        = var.identifier
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 50

  username                    = "admin_user"
  manage_master_user_password = true

  final_snapshot_identifier = var.final_snapshot_identifier
}
