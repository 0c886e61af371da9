# An example root: every resource comes from a module call, no resource tags anything itself, and an
# aliased provider is declared for a second region. No tag policy is configured: nothing to require.
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "replica"
  region = "eu-central-1"
}

module "bucket" {
  source = "./bucket"
  name   = "example-logs"
}
