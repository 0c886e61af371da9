resource "aws_db_parameter_group" "notes" {
  name   = "notes-postgres16"
  family = "postgres16"

  dynamic "parameter" {
    for_each = { log_statement = "ddl" }
    iterator = setting
    content {
      name  = setting.key
      value = setting.value
    }
  }
}
