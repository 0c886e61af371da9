module "audit_db" {
  source = "./mysql"

  identifier          = "audit-mysql"
  monitoring_interval = 0
}
