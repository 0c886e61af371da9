resource "aws_db_parameter_group" "erp" {
  name   = "erp-sqlserver-se16"
  family = "sqlserver-se-16.0"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}
