module "network" {
  source = "./network"
  azs    = toset(["us-west-2a", "us-west-2c"])
}
