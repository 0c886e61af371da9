variable "name" {
  type = string
}

variable "expiration_days" {
  type = number
}

output "settings" {
  value = {
    name = var.name
    days = var.expiration_days
  }
}
