variable "master_password" {
  description = "Master password of the reporting database."
  type        = string
  sensitive   = true
}

module "reporting_db" {
  source = "./rds"

  identifier      = "reporting"
  master_password = var.master_password
}
