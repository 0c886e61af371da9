variable "environment" {
  type    = string
  default = "staging"
}

variable "service" {
  type    = string
  default = "billing"
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "reporting" {
  identifier        = "${var.environment}-${var.service}-reporting-replica-for-controlling-analytics-eu"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  username          = "billing"
  password          = var.db_password

  skip_final_snapshot = true
}
