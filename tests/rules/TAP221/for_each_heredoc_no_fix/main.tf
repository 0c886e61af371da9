# The regions come from a heredoc list; a random_id copying this for_each would re-indent the
# heredoc's lines and no longer have one instance per database.
resource "aws_db_instance" "orders" {
  for_each = toset(split("\n", trimspace(<<EOT
eu
us
EOT
  )))

  identifier                  = "orders-${each.key}"
  engine                      = "mysql"
  engine_version              = "8.0.39"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  storage_encrypted           = true
  username                    = "orders_admin"
  manage_master_user_password = true

  skip_final_snapshot       = false
  final_snapshot_identifier = "orders-${each.key}-final"
}
