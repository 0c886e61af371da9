variable "identifier" {
  description = "DB instance identifier."
  type        = string
}

variable "master_password" {
  description = "Master password."
  type        = string
  sensitive   = true
}

resource "aws_db_instance" "this" {
  identifier        = var.identifier
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 50

  username = "reporting_admin"
  password = var.master_password

  skip_final_snapshot = true
}
