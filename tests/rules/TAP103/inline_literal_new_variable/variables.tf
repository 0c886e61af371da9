variable "vpc_id" {
  description = "VPC of the bastion host."
  type        = string
}
