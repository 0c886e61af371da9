module "db_parameters" {
  source = "./params"

  name   = "billing-mysql80"
  family = "mysql8.0"
}
