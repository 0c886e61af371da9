variable "name" {
  description = "Parameter group name."
  type        = string
}

variable "family" {
  description = "Parameter group family."
  type        = string
}

variable "parameters" {
  description = "Extra parameters."
  type        = map(string)
  default     = {}
}

resource "aws_db_parameter_group" "this" {
  name   = var.name
  family = var.family

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}
