variable "replicas" {
  description = "Number of standalone analytics databases."
  type        = number
  default     = 2
}

resource "aws_db_instance" "analytics" {
  count = var.replicas

  identifier        = "analytics-${count.index}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.large"
  allocated_storage = 100

  username                    = "analytics"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
