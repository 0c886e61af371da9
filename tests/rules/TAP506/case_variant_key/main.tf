provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = { environment = "dev", Owner = "data-team", Project = "lake", CostCenter = "cc-9" }
  }
}

resource "aws_s3_bucket" "raw" {
  bucket = "lake-raw"
}
