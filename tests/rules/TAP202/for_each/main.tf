variable "teams" {
  type    = set(string)
  default = ["payments", "search"]
}

resource "aws_s3_bucket" "team" {
  for_each = var.teams
  bucket   = "acme-${each.key}-scratch"
}
