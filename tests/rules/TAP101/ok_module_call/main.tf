module "sg" {
  source = "./modules/sg"

  # Module inputs, not security-group rules.
  egress_cidr_blocks = ["0.0.0.0/0"]
  egress_protocol    = "-1"
}
