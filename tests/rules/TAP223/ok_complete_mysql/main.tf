locals {
  slow_log = {
    slow_query_log  = "1"
    long_query_time = "1"
    log_output      = "FILE"
  }
}

resource "aws_db_parameter_group" "accounts" {
  name   = "accounts-mysql57"
  family = "mysql5.7"

  dynamic "parameter" {
    for_each = local.slow_log
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  parameter {
    name  = "require_secure_transport"
    value = "1"
  }
}
