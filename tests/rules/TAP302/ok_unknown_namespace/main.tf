variable "metrics_namespace" {
  description = "CWAgent, or the namespace of the team's StatsD sidecar."
  type        = string
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "etl" {
  ami           = data.aws_ami.al2023.id
  instance_type = "m6i.large"
}

resource "aws_cloudwatch_metric_alarm" "etl_memory" {
  alarm_name          = "etl-memory"
  namespace           = var.metrics_namespace
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.etl.id }
}
