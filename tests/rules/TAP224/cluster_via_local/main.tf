variable "master_credential" {
  description = "Initial master password of the Aurora cluster."
  type        = string
}

locals {
  master_password = var.master_credential
}

resource "aws_rds_cluster" "events" {
  cluster_identifier = "events-aurora"
  engine             = "aurora-mysql"
  engine_version     = "8.0.mysql_aurora.3.08.0"
  master_username    = "events_admin"
  master_password    = local.master_password

  skip_final_snapshot = true
}
