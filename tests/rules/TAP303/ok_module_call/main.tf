variable "role_arn" {
  type = string
}

# The module creates the function and its log group; its arguments are not resources.
module "notifier" {
  source        = "./function"
  function_name = "slack-notifier"
  role_arn      = var.role_arn
}
