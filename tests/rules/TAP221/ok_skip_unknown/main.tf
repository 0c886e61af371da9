variable "ephemeral_environment" {
  description = "True for short-lived environments; set by the pipeline."
  type        = bool
}

resource "aws_db_instance" "app" {
  identifier        = "app-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.small"
  allocated_storage = 20

  username                    = "app_admin"
  manage_master_user_password = true

  skip_final_snapshot       = var.ephemeral_environment
  final_snapshot_identifier = "app-mysql-final"
}
