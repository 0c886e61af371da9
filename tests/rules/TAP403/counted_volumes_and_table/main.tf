variable "volume_count" {
  description = "Data volumes to create."
  type        = number
  default     = 2
}

resource "aws_dynamodb_table" "sessions" {
  name         = "sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_ebs_volume" "data" {
  count = var.volume_count

  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp3"
}
