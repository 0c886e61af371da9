resource "aws_lb" "main" {
  name                       = "orders-app"
  load_balancer_type         = "application"
  subnets                    = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  enable_deletion_protection = true
}
