resource "random_id" "final_snapshot" {
  byte_length = 4

  keepers = {
    identifier = "billing-mysql"
  }
}

resource "aws_db_instance" "billing" {
  identifier        = "billing-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username                    = "billing_admin"
  manage_master_user_password = true

  skip_final_snapshot       = false
  final_snapshot_identifier = "billing-mysql-final-${random_id.final_snapshot.hex}"
}
