# Written for AWS provider 4: aws_db_instance.name became db_name in 5.0.
terraform {
  required_version = ">= 1.3"
}

resource "aws_db_instance" "legacy" {
  identifier          = "legacy-mysql"
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  name                = "legacy"
  username            = "admin"
  password            = "change-me-please"
  skip_final_snapshot = true
}
