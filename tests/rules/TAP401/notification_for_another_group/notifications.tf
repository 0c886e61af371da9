resource "aws_sns_topic" "asg_events" {
  name = "checkout-asg-events"
}

resource "aws_autoscaling_notification" "app" {
  group_names = [aws_autoscaling_group.app.name]
  notifications = [
    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
    "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
  ]
  topic_arn = aws_sns_topic.asg_events.arn
}
