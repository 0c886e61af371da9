variable "private_subnet_ids" {
  description = "Subnets the instances run in."
  type        = list(string)
}

variable "ami_id" {
  description = "AMI the instances boot."
  type        = string
}
