variable "db_password_secret_arn" {
  description = "Secrets Manager secret that holds the database password."
  type        = string
}

variable "password_length" {
  description = "Length of generated passwords."
  type        = number
  default     = 32
}

variable "token_ttl" {
  description = "Lifetime of issued tokens, in seconds."
  default     = 3600
}

variable "private_key_path" {
  description = "Where the deploy key is mounted on the runner."
  type        = string
  default     = "/run/secrets/deploy_key"
}

variable "enable_secret_rotation" {
  description = "Rotate the API secret every 30 days."
  type        = bool
  default     = true
}
