module "asg" {
  source = "./asg"
  name   = "render-farm"
}

resource "aws_cloudwatch_metric_alarm" "render_memory" {
  alarm_name          = "render-memory"
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { AutoScalingGroupName = module.asg.name }
}
