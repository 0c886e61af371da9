variable "base_tags" {
  description = "Tags shared by every stack of the organization."
  type        = map(string)
  default = {
    Owner      = "platform"
    CostCenter = "cc-0001"
  }
}

variable "environment" {
  description = "Deployment environment."
  type        = string
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = merge(var.base_tags, {
      Environment = var.environment
      Project     = "shared-services"
    })
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
