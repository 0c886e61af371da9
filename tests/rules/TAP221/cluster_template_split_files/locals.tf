locals {
  cluster_name = "ledger-${var.environment}"
}
