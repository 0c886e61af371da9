variable "vpc_id" {
  type = string
}

resource "aws_security_group" "redis" {
  name_prefix = "cache-"
  description = "Session cache"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "redis" {
  security_group_id = aws_security_group.redis.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
}

resource "aws_vpc_security_group_ingress_rule" "redis_ipv6" {
  security_group_id = aws_security_group.redis.id
  cidr_ipv6         = "::/0"
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
}

resource "aws_security_group" "api" {
  name_prefix = "api-"
  description = "API instances"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "api_to_redis" {
  security_group_id            = aws_security_group.api.id
  referenced_security_group_id = aws_security_group.redis.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}
