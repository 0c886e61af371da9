locals {
  tables = ["orders", "invoices"]
}

# One table per document type.
resource "aws_dynamodb_table" "documents" {
  count = length(local.tables)

  name                        = local.tables[count.index]
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }
}
