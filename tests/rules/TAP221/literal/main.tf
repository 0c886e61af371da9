resource "aws_db_instance" "orders" {
  identifier        = "orders-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  storage_encrypted = true

  db_name                     = "orders"
  username                    = "orders_admin"
  manage_master_user_password = true

  skip_final_snapshot       = false
  final_snapshot_identifier = "orders-mysql-final" # kept when the instance is deleted
}
