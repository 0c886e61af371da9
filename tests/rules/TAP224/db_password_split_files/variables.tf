variable "db_username" {
  description = "Master user of the orders database."
  type        = string
  default     = "orders_admin"
}

variable "db_password" {
  description = "Master password of the orders database."
  type        = string
}
