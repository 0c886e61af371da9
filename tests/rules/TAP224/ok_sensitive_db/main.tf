variable "db_password" {
  description = "Master password of the CRM database."
  type        = string
  sensitive   = true
}

resource "aws_db_instance" "crm" {
  identifier        = "crm-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username = "crm_admin"
  password = var.db_password

  skip_final_snapshot = true
}
