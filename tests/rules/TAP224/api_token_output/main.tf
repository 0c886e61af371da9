variable "slack_api_token" {
  description = "Bot token the alert forwarder posts with."
}

resource "aws_ssm_parameter" "slack_token" {
  name  = "/alerts/slack/token"
  type  = "SecureString"
  value = var.slack_api_token
}

output "slack_token_parameter" {
  description = "SSM parameter holding the Slack token."
  value       = aws_ssm_parameter.slack_token.name
}

output "forwarder_settings" {
  description = "Settings for the alert forwarder's environment."
  value = {
    channel = "#alerts"
    token   = var.slack_api_token
  }
}
