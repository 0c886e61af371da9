variable "replica_regions" {
  description = "Regions that keep a copy of the nightly backups."
  type        = list(string)
  default     = ["eu-west-1", "eu-central-1"]
}

resource "aws_s3_bucket" "replica" {
  count  = length(var.replica_regions)
  bucket = "acme-backups-${var.replica_regions[count.index]}"
}
