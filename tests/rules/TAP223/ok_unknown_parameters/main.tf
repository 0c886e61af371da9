variable "parameters" {
  description = "Parameters of the group; each environment passes its own."
  type        = map(string)
}

resource "aws_db_parameter_group" "app" {
  name   = "app-mysql80"
  family = "mysql8.0"

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}
