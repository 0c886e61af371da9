locals {
  name_prefix = "${var.project}-${var.environment}"

  # ALB and target group names are limited to 32 characters, so those use the
  # short project code instead of the full project name.
  short_prefix = "${var.project_code}-${var.environment}"
}

data "aws_caller_identity" "current" {}

data "aws_default_tags" "current" {}
