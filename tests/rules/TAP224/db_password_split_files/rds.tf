resource "aws_db_instance" "orders" {
  identifier        = "orders-postgres"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 50

  db_name  = "orders"
  username = var.db_username
  password = var.db_password
  port     = 5432

  skip_final_snapshot = true
}
