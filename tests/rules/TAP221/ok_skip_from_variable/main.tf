variable "skip_final_snapshot" {
  description = "Preview environments are thrown away without a snapshot."
  type        = bool
  default     = true
}

resource "aws_db_instance" "preview" {
  identifier        = "preview-postgres"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20

  username                    = "preview"
  manage_master_user_password = true

  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = "preview-postgres-final"
}
