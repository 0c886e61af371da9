data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "api" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.medium"
}

resource "aws_cloudwatch_metric_alarm" "api_memory" {
  alarm_name          = "api-memory"
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.api.id }
}
