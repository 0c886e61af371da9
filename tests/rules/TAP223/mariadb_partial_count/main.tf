variable "create_parameter_group" {
  description = "Whether this module creates its own parameter group."
  type        = bool
  default     = true
}

resource "aws_db_parameter_group" "wiki" {
  count = var.create_parameter_group ? 1 : 0

  name   = "wiki-mariadb1011"
  family = "mariadb10.11"

  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "long_query_time"
    value = "5"
  }
}
