resource "aws_db_instance" "payments" {
  identifier        = "payments-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.r7g.large"
  allocated_storage = 200

  username                    = "payments_admin"
  manage_master_user_password = true

  monitoring_interval = 0
  skip_final_snapshot = true
}
