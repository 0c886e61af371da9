variable "queues" {
  description = "Names of the worker queues; no default, set per environment."
  type        = set(string)
}

resource "aws_s3_bucket" "queue" {
  for_each = var.queues

  bucket = "acme-worker-queue-payload-storage-for-${each.key}"
}
