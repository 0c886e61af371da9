data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "bastion" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.micro"

  tags = {
    Monitoring = "cwagent"
  }
}

# Systems Manager installs and configures the agent on tagged instances.
resource "aws_ssm_association" "cwagent" {
  name = "AmazonCloudWatch-ManageAgent"

  targets {
    key    = "tag:Monitoring"
    values = ["cwagent"]
  }

  parameters = {
    action                        = "configure"
    optionalConfigurationSource   = "ssm"
    optionalConfigurationLocation = "AmazonCloudWatch-bastion"
  }
}

resource "aws_cloudwatch_metric_alarm" "bastion_memory" {
  alarm_name          = "bastion-memory"
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { InstanceId = aws_instance.bastion.id }
}
