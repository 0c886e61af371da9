variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "orders" {
  identifier             = "orders"
  engine                 = "postgres"
  instance_class         = "db.t4g.medium"
  allocated_storage      = 20
  username               = "orders"
  password               = var.db_password
  vpc_security_group_ids = [aws_security_group.db.id]
  skip_final_snapshot    = true
}
