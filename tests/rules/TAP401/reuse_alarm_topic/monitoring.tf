resource "aws_sns_topic" "alerts" {
  name = "checkout-alerts"
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "checkout-app-cpu"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]

  dimensions = {
    AutoScalingGroupName = aws_autoscaling_group.app.name
  }
}
