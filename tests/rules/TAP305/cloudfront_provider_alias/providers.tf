provider "aws" {
  region = "eu-central-1"
}

# CloudFront web ACLs live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
