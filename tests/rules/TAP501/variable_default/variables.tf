variable "azs" {
  description = "Zones to spread the cluster over."
  type        = list(string)
  default     = ["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"]
}
