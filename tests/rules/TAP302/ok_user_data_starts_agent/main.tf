locals {
  namespace = "CWAgent"
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "jobs" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.medium"

  user_data = <<-EOT
    #!/bin/bash
    dnf install -y amazon-cloudwatch-agent
    cat > /opt/aws/amazon-cloudwatch-agent/etc/config.json <<'JSON'
    {"metrics": {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}}}
    JSON
    /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/config.json
  EOT
}

resource "aws_cloudwatch_metric_alarm" "jobs_memory" {
  alarm_name          = "jobs-memory"
  namespace           = local.namespace
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.jobs.id, host = "jobs" }
}
