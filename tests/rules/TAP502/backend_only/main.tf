terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "app/terraform.tfstate"
    region = "eu-west-1"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-app-logs"
}
