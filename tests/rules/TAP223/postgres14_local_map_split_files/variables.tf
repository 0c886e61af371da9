variable "postgres_family" {
  description = "Parameter group family; follows the engine's major version."
  type        = string
  default     = "postgres14"
}
