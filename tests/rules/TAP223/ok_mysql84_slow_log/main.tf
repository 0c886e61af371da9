# MySQL 8.4 requires TLS by default; only the slow log needs switching on.
resource "aws_db_parameter_group" "orders" {
  name   = "orders-mysql84"
  family = "mysql8.4"

  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "log_output"
    value = "FILE"
  }
}
