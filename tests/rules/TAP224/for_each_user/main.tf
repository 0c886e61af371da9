variable "webhook_token" {
  description = "Token partners sign webhooks with; empty disables the webhook."
  type        = string
  default     = ""
}

resource "aws_ssm_parameter" "webhook_token" {
  for_each = var.webhook_token == "" ? toset([]) : toset(["primary"])

  name  = "/webhooks/${each.key}/token"
  type  = "SecureString"
  value = var.webhook_token
}
