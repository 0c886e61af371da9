data "aws_caller_identity" "me" {}

resource "aws_vpc" "main" {
  cidr_block = "10.80.0.0/16"
}

resource "aws_s3_bucket" "audit_logs" {
  bucket = "acme-audit-logs"
}

data "aws_iam_policy_document" "audit_logs" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.audit_logs.arn, "${aws_s3_bucket.audit_logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "audit_logs" {
  bucket = aws_s3_bucket.audit_logs.id
  policy = data.aws_iam_policy_document.audit_logs.json
}
