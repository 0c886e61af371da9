variable "shards" {
  description = "Number of reporting shards."
  type        = number
  default     = 2
}

resource "aws_db_instance" "reports" {
  count = var.shards

  identifier        = "reports-${count.index}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.large"
  allocated_storage = 100

  username                    = "reports"
  manage_master_user_password = true

  skip_final_snapshot       = false
  final_snapshot_identifier = "reports-${count.index}-final"
}
