variable "env" {
  description = "Deployment environment."
  type        = string
  default     = "staging"
}

variable "team" {
  description = "Team that owns the stack."
  type        = string
  default     = "payments"
}

variable "project" {
  description = "Project the stack belongs to."
  type        = string
  default     = "ledger"
}

variable "cost_center" {
  description = "Cost center charged for the stack."
  type        = string
  default     = "cc-2001"
}

provider "aws" {
  region = "eu-west-1"
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
