locals {
  # Days to keep each log stream.
  log_streams = {
    access = 400
    debug  = 200
  }
}

resource "aws_s3_bucket" "logs" {
  for_each = local.log_streams

  bucket = "acme-logs-${each.key}"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  for_each = local.log_streams

  bucket = aws_s3_bucket.logs[each.key].id

  rule {
    id     = "expire"
    status = "Enabled"

    filter {
      prefix = ""
    }

    expiration {
      days = each.value
    }
  }
}
