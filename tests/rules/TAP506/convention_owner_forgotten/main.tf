provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      Project = "ledger"
    }
  }
}

variable "owner" {
  description = "Team that answers for these resources."
  type        = string
  default     = "payments"
}

resource "aws_sqs_queue" "payments" {
  name = "payments"
  tags = { Owner = var.owner }
}

resource "aws_sns_topic" "payments" {
  name = "payments"
  tags = { Owner = var.owner }
}

resource "aws_s3_bucket" "exports" {
  bucket = "ledger-exports"
}
