variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

locals {
  # Exactly 40 characters; upper case is accepted (AWS stores the ID in lower case).
  group_id = "Storefront-Checkout-Production-Sessions1"
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = local.group_id
  description          = "Sessions"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}

resource "aws_lb" "web" {
  name_prefix        = "web-"
  load_balancer_type = "application"
  subnets            = var.subnet_ids
}

resource "aws_lb_target_group" "web" {
  name     = "storefront-checkout-prod-web-tg"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = var.vpc_id
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme.storefront-assets.eu-west-1"
}

resource "aws_db_instance" "main" {
  identifier                  = "storefront-checkout-production-mysql"
  engine                      = "mysql"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
