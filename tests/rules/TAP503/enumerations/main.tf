variable "size" {
  description = "T-shirt size of the worker fleet."
  type        = string
  default     = "small"
}

variable "storage_type" {
  description = "Storage of the database."
  type        = string
  default     = "gp3"
}

variable "log_retention_days" {
  description = "Days to keep the application logs."
  type        = number
  default     = 30
}

locals {
  instance_types = {
    small = "t3.small"
    large = "m6i.large"
  }
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = local.instance_types[var.size]
}

resource "aws_db_instance" "main" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  storage_type                = var.storage_type
  username                    = "orders_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/orders/app"
  retention_in_days = var.log_retention_days
}

variable "billing_mode" {
  description = "How the sessions table is billed."
  type        = string
  default     = "PAY_PER_REQUEST"

  validation {
    condition     = contains(["PROVISIONED", "PAY_PER_REQUEST"], var.billing_mode)
    error_message = "The billing_mode must be PROVISIONED or PAY_PER_REQUEST."
  }
}

resource "aws_dynamodb_table" "sessions" {
  name         = "sessions"
  billing_mode = var.billing_mode
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
