# Waits for the bootstrap script to signal that the instance is ready.
resource "aws_autoscaling_lifecycle_hook" "app_ready" {
  name                   = "ready"
  autoscaling_group_name = aws_autoscaling_group.app.name
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_LAUNCHING"
  default_result         = "CONTINUE"
  heartbeat_timeout      = 600
}
