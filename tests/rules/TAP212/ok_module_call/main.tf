module "cache" {
  source = "./modules/cache"

  # A module input, not a resource argument: the module decides what to do with it.
  replication_group_id = "storefront-checkout-production-session-store"
  bucket               = "ACME_Not_A_Bucket"
}
