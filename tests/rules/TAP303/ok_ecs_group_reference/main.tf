resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/search-api"
  retention_in_days = 30
}

resource "aws_ecs_task_definition" "api" {
  family = "search-api"

  container_definitions = jsonencode([
    {
      name      = "api"
      image     = "public.ecr.aws/acme/search-api:5.1.0"
      memory    = 1024
      essential = true
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.api.name
          awslogs-region        = "us-east-1"
          awslogs-stream-prefix = "api"
        }
      }
    },
    {
      name      = "envoy"
      image     = "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod"
      memory    = 256
      essential = true
    }
  ])
}
