resource "aws_db_parameter_group" "search" {
  name_prefix = "search-postgres16-"
  family      = "postgres16"

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
}

resource "aws_db_instance" "search" {
  identifier           = "search-postgres"
  engine               = "postgres"
  engine_version       = "16.4"
  instance_class       = "db.t4g.large"
  allocated_storage    = 50
  parameter_group_name = aws_db_parameter_group.search.name

  username                    = "search_admin"
  manage_master_user_password = true

  monitoring_interval = var.monitoring_interval
  skip_final_snapshot = true

  depends_on = [aws_db_parameter_group.search]
}
