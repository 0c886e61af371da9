data "aws_partition" "current" {}

resource "aws_db_instance" "inventory" {
  identifier        = "inventory-postgres"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.m7g.large"
  allocated_storage = 100

  username                    = "inventory_admin"
  manage_master_user_password = true

  backup_retention_period = 14
  backup_window           = "02:00-03:00"
  maintenance_window      = "sun:03:30-sun:04:30"

  performance_insights_enabled = true
  skip_final_snapshot          = true
}
