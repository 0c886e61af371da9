locals {
  name_prefix = "${var.project}-${var.environment}"
}
