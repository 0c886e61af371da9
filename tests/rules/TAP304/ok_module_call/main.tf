resource "aws_guardduty_detector" "main" {
  enable = true
}

module "security_alerts" {
  source        = "./alerts"
  name          = "guardduty"
  event_pattern = jsonencode({ source = ["aws.guardduty"] })
}
