variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 switches it off)."
  type        = number
  default     = 0
}
