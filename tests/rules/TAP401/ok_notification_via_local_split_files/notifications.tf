locals {
  notified_groups = [aws_autoscaling_group.app.name]
}

resource "aws_sns_topic" "asg_events" {
  name = "checkout-asg-events"
}

resource "aws_autoscaling_notification" "app" {
  group_names   = local.notified_groups
  notifications = ["autoscaling:EC2_INSTANCE_LAUNCH_ERROR"]
  topic_arn     = aws_sns_topic.asg_events.arn
}
