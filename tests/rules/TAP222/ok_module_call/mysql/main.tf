variable "identifier" {
  description = "DB instance identifier."
  type        = string
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval; the caller decides."
  type        = number
}

variable "monitoring_role_arn" {
  description = "Enhanced Monitoring role, when the interval is not 0."
  type        = string
  default     = null
}

resource "aws_db_instance" "this" {
  identifier        = var.identifier
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username                    = "admin_user"
  manage_master_user_password = true

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.monitoring_role_arn
  skip_final_snapshot = true
}
