resource "aws_ecs_task_definition" "worker" {
  family = "invoice-worker"

  container_definitions = <<-JSON
    [
      {
        "name": "worker",
        "image": "public.ecr.aws/acme/invoice-worker:2.0.0",
        "memory": 512,
        "essential": true,
        "logConfiguration": {
          "logDriver": "awslogs",
          "options": {
            "awslogs-group": "/ecs/invoice-worker",
            "awslogs-create-group": "true",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "worker"
          }
        }
      }
    ]
  JSON
}
