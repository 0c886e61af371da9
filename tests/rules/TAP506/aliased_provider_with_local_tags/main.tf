variable "owner" {
  description = "Team that owns the stack."
  type        = string
  default     = "edge-team"
}

# CloudFront certificates live in us-east-1.
resource "aws_acm_certificate" "cdn" {
  provider = aws.us_east_1

  domain_name       = "cdn.example.com"
  validation_method = "DNS"
}

resource "aws_s3_bucket" "origin" {
  bucket = "storefront-edge-origin"
}
