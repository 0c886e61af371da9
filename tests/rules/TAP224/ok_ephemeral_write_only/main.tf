terraform {
  required_version = ">= 1.11"
}

variable "db_password" {
  description = "Master password; never stored in plan or state."
  type        = string
  ephemeral   = true
}

variable "db_password_version" {
  description = "Bump to push a new password."
  type        = number
  default     = 1
}

resource "aws_db_instance" "inventory" {
  identifier        = "inventory-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username            = "inventory_admin"
  password_wo         = var.db_password
  password_wo_version = var.db_password_version

  skip_final_snapshot = true
}
