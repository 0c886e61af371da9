resource "aws_guardduty_detector" "member" {
  count  = var.enable_guardduty ? 1 : 0
  enable = true
}
