locals {
  postgres_parameters = {
    log_statement              = "ddl"
    "rds.log_retention_period" = "4320"
  }
}
