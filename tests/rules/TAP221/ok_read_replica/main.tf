resource "aws_db_instance" "primary" {
  identifier        = "catalog-primary"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username                    = "catalog_admin"
  manage_master_user_password = true
  backup_retention_period     = 7

  skip_final_snapshot = true
}

# AWS takes no final snapshot of a read replica, whatever its name.
resource "aws_db_instance" "replica" {
  identifier          = "catalog-replica"
  replicate_source_db = aws_db_instance.primary.identifier
  instance_class      = "db.t4g.medium"

  skip_final_snapshot       = false
  final_snapshot_identifier = "catalog-replica-final"
}
