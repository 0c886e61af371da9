terraform {
  backend "s3" {
    bucket         = "storefront-terraform-state"
    key            = "checkout/production/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "storefront-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      Owner       = var.owner
      ManagedBy   = "terraform"
    }
  }
}
