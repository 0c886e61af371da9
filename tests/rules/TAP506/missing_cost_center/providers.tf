provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      Environment = var.environment
      Owner       = "checkout-team"
      Project     = "storefront-checkout"
    }
  }
}
