resource "aws_db_parameter_group" "shop" {
  name_prefix = "shop-mysql80-"
  family      = "mysql8.0"
  description = "Shop database settings"

  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name         = "innodb_buffer_pool_size"
    value        = "{DBInstanceClassMemory*3/4}"
    apply_method = "pending-reboot"
  }

  lifecycle {
    create_before_destroy = true
  }
}
