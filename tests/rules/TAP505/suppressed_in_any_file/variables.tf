# tapfix:ignore TAP505 internal test fixture, documented in tests/README.md
variable "name" {
  description = "Name of the bucket."
  type        = string
}
