# Region of the whole stack.
provider "aws" {
  region = "eu-west-1"
}
