terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      # The AWS provider, from the public registry = the default source
      source = "hashicorp/aws"
      // kept on its own line
    }
  }
}
