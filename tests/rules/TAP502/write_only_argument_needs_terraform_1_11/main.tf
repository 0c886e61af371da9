variable "db_password" {
  description = "Master password of the database."
  type        = string
  ephemeral   = true
}

resource "aws_db_instance" "main" {
  identifier          = "orders-db"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 20
  username            = "app_admin"
  password_wo         = var.db_password
  password_wo_version = 1
  skip_final_snapshot = true
}
