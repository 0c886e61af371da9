data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "gateway" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.small"
  user_data     = "#!/bin/bash\ndnf install -y haproxy\n"
}

# procstat metrics need a per-process config we cannot guess.
resource "aws_cloudwatch_metric_alarm" "haproxy_cpu" {
  alarm_name          = "haproxy-cpu"
  namespace           = "CWAgent"
  metric_name         = "procstat_cpu_usage"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 5
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"

  dimensions = {
    InstanceId = aws_instance.gateway.id
    exe        = "haproxy"
  }
}
