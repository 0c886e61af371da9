variable "vpc_id" {
  type = string
}

# The module's own rules are checked where the module is defined.
module "bastion" {
  source    = "./modules/bastion"
  vpc_id    = var.vpc_id
  ssh_cidrs = ["0.0.0.0/0"]
}
