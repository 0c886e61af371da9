locals {
  log_group = "/ecs/checkout-api"
}

variable "image" {
  type    = string
  default = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:1.4.2"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "checkout-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name      = "api"
      image     = var.image
      essential = true
      portMappings = [
        { containerPort = 8080 }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = local.log_group
          awslogs-region        = "eu-west-1"
          awslogs-stream-prefix = "api"
        }
      }
    },
    {
      name      = "envoy"
      image     = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod"
      essential = true
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/checkout-envoy"
          awslogs-region        = "eu-west-1"
          awslogs-stream-prefix = "envoy"
        }
      }
    }
  ])
}
