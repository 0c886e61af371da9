resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true

  tags = {
    Name = "payments"
  }
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

# Product catalog exports: not a log bucket, whatever its name contains.
resource "aws_s3_bucket" "catalog" {
  bucket = "acme-payments-catalog"
}
