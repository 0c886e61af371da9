variable "tenants" {
  description = "One cache per tenant."
  type        = list(string)
  default     = ["acme", "globex"]
}

variable "encrypt_in_transit" {
  type    = bool
  default = true
}
