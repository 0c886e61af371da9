resource "random_password" "master" {
  length  = 32
  special = false
}

resource "aws_db_instance" "search" {
  identifier        = "search-postgres"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username = "search_admin"
  password = random_password.master.result

  skip_final_snapshot = true
}
