variable "public_subnet_ids" {
  description = "Subnets of the load balancer."
  type        = list(string)
}

resource "aws_lb" "app" {
  name                       = "orders-app"
  load_balancer_type         = "application"
  subnets                    = var.public_subnet_ids
  enable_deletion_protection = false
}

resource "aws_db_instance" "main" {
  identifier                  = "orders-db"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
  deletion_protection         = true
}
