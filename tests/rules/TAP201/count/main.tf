variable "regions" {
  type    = list(string)
  default = ["eu-west-1", "us-east-1"]
}

resource "aws_s3_bucket" "replica" {
  count  = length(var.regions)
  bucket = "acme-replica-${var.regions[count.index]}"
}
