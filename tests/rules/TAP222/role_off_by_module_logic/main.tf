# terraform-aws-rds's shape, applied as is: the module makes a monitoring role only when asked.
provider "aws" {
  region = "eu-west-1"
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 switches it off)."
  type        = number
  default     = 0
}

variable "create_monitoring_role" {
  description = "Create the IAM role Enhanced Monitoring needs."
  type        = bool
  default     = false
}

variable "monitoring_role_arn" {
  description = "An existing monitoring role."
  type        = string
  default     = null
}

resource "aws_iam_role" "enhanced_monitoring" {
  count = var.create_monitoring_role ? 1 : 0

  name_prefix = "rds-mon-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "monitoring.rds.amazonaws.com" } }]
  })
}

resource "aws_db_instance" "this" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "orders_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.create_monitoring_role ? aws_iam_role.enhanced_monitoring[0].arn : var.monitoring_role_arn
}
