variable "default_tags" {
  description = "Tags every resource of the stack gets."
  type        = map(string)
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = var.default_tags
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "storefront-assets"
}

resource "aws_sqs_queue" "orders" {
  name = "storefront-orders"

  tags = {
    CostCenter = "cc-1042"
  }
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = "Enabled"
  }
}
