resource "aws_db_instance" "main" {
  identifier                  = "orders-db"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
  deletion_protection         = true
}
