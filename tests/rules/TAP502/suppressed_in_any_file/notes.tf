# tapfix:ignore TAP502 versions are pinned by the Terragrunt root that includes this module
locals {
  owner = "platform"
}
