terraform {
  required_version = ">= 1.5.7"
}

module "logs" {
  source = "./logs"
}
