locals {
  common_tags = {
    Environment = "production"
    Owner       = "edge-team"
    Project     = "storefront-edge"
    CostCenter  = "cc-3100"
  }
  partial_tags = {
    Environment = "production"
    Project     = "storefront-edge"
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = local.common_tags
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.partial_tags
  }
}
