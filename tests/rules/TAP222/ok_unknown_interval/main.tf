variable "monitoring_interval" {
  description = "Enhanced Monitoring interval; every environment sets its own."
  type        = number
}

variable "monitoring_role_arn" {
  description = "Enhanced Monitoring role."
  type        = string
}

resource "aws_db_instance" "events" {
  identifier        = "events-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20

  username                    = "events_admin"
  manage_master_user_password = true

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.monitoring_role_arn
  skip_final_snapshot = true
}
