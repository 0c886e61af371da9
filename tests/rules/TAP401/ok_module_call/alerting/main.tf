variable "group_name" {
  description = "Auto Scaling group to watch."
  type        = string
}

resource "aws_sns_topic" "this" {
  name = "${var.group_name}-events"
}

resource "aws_autoscaling_notification" "this" {
  group_names   = [var.group_name]
  notifications = ["autoscaling:EC2_INSTANCE_LAUNCH_ERROR"]
  topic_arn     = aws_sns_topic.this.arn
}
