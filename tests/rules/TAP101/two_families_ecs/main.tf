variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "cluster_arn" {
  type = string
}

variable "task_definition_arn" {
  type = string
}

resource "aws_security_group" "tasks" {
  name_prefix = "api-tasks-"
  description = "API tasks"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "cache" {
  name_prefix = "api-cache-"
  description = "API cache"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "cache_from_tasks" {
  type                     = "ingress"
  security_group_id        = aws_security_group.cache.id
  source_security_group_id = aws_security_group.tasks.id
  protocol                 = "tcp"
  from_port                = 6379
  to_port                  = 6379
}

resource "aws_vpc_security_group_egress_rule" "tasks_ipv4" {
  security_group_id = aws_security_group.tasks.id
  description       = "Everything, IPv4"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_vpc_security_group_egress_rule" "tasks_ipv6" {
  security_group_id = aws_security_group.tasks.id
  description       = "Every TCP port, IPv6"
  cidr_ipv6         = "::/0"
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = var.cluster_arn
  task_definition = var.task_definition_arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.tasks.id]
  }
}
