variable "enable_guardduty" {
  description = "GuardDuty is managed by the organization in production accounts."
  type        = bool
  default     = true
}
