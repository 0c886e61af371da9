resource "aws_rds_cluster" "ledger" {
  cluster_identifier = local.cluster_name
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "ledger"
  master_username    = "ledger_admin"
  storage_encrypted  = true
  kms_key_id         = var.kms_key_arn

  manage_master_user_password = true

  final_snapshot_identifier = "${local.cluster_name}-final"
}
