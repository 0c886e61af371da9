variable "ami_id" {
  description = "Golden image; the CloudWatch agent and its config are baked in."
  type        = string
}

resource "aws_instance" "search" {
  ami           = var.ami_id
  instance_type = "r6g.large"
}

resource "aws_cloudwatch_metric_alarm" "search_memory" {
  alarm_name          = "search-memory"
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.search.id }
}
