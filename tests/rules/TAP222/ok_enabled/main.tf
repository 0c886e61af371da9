variable "monitoring_role_arn" {
  description = "Shared Enhanced Monitoring role of the account."
  type        = string
}

resource "aws_db_instance" "ledger" {
  identifier        = "ledger-postgres"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.m7g.large"
  allocated_storage = 100

  username                    = "ledger_admin"
  manage_master_user_password = true

  monitoring_interval = 30
  monitoring_role_arn = var.monitoring_role_arn
  skip_final_snapshot = true
}
