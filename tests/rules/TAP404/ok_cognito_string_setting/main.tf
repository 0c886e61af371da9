resource "aws_cognito_user_pool" "customers" {
  name                = "customers"
  deletion_protection = "ACTIVE"
}
