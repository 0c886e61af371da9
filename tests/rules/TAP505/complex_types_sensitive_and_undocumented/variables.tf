variable "listeners" {
  description = "Listeners by port | protocol, e.g. 443 -> HTTPS. See <docs>."
  type = map(object({
    protocol = string
    port     = number
  }))
  default = {
    https = {
      protocol = "HTTPS"
      port     = 443
    }
  }
}

variable "api_token" {
  description = "Token for the deployment webhook."
  type        = string
  default     = "change-me"
  sensitive   = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
