resource "aws_db_parameter_group" "warehouse" {
  name_prefix = "warehouse-"
  family      = var.postgres_family

  dynamic "parameter" {
    for_each = local.postgres_parameters
    content {
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }
  }
}
