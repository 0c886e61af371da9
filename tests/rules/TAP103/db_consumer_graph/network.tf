variable "vpc_id" {
  type = string
}

resource "aws_security_group" "db" {
  name_prefix = "orders-db-"
  description = "Orders PostgreSQL"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "db_postgres" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group" "worker" {
  name_prefix = "orders-worker-"
  description = "Orders worker"
  vpc_id      = var.vpc_id
}
