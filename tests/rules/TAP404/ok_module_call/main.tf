module "database" {
  source              = "./database"
  deletion_protection = true
}
