resource "aws_db_instance" "legacy" {
  count = 0 # retired; kept until the snapshot is archived

  identifier        = "legacy-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.small"
  allocated_storage = 20

  username                    = "legacy_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
