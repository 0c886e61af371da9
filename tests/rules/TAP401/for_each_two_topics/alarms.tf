resource "aws_sns_topic" "pager" {
  name = "web-pager"
}

resource "aws_sns_topic" "chat" {
  name = "web-chat"
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "web-5xx"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 50
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_sns_topic.pager.arn]
  ok_actions          = [aws_sns_topic.chat.arn]
}
