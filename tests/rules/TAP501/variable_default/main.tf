resource "aws_rds_cluster" "main" {
  cluster_identifier          = "ledger"
  engine                      = "aurora-postgresql"
  master_username             = "ledger_admin"
  manage_master_user_password = true
  availability_zones          = var.azs
  skip_final_snapshot         = true
}
