module "bucket" {
  source = "./modules/bucket"

  name            = "acme-archive"
  expiration_days = 365
}
