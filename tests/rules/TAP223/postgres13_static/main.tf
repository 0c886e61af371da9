resource "aws_db_parameter_group" "legacy" {
  name   = "legacy-postgres13"
  family = "postgres13"
}
