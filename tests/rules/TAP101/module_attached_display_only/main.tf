variable "vpc_id" {
  type = string
}

resource "aws_security_group" "worker" {
  name_prefix = "worker-"
  description = "Queue workers"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "db" {
  name_prefix = "db-"
  description = "Jobs database"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_worker" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.worker.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "worker_all" {
  security_group_id = aws_security_group.worker.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# The worker fleet is defined by a shared module: its traffic is out of sight here.
module "worker" {
  source             = "./modules/worker"
  security_group_ids = [aws_security_group.worker.id]
}
