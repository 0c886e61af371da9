variable "project" {
  description = "Project name, the prefix of most resource names."
  type        = string
  default     = "storefront-checkout"
}

variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "production"
}
