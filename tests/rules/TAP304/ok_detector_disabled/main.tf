variable "guardduty_enabled" {
  description = "Suspend GuardDuty in sandbox accounts."
  type        = bool
  default     = false
}

resource "aws_guardduty_detector" "main" {
  enable = var.guardduty_enabled
}
