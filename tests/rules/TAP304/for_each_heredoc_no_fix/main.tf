# The regions come from a heredoc list; an EventBridge rule and topic copying this for_each would
# re-indent the heredoc's lines and no longer have one instance per detector.
resource "aws_guardduty_detector" "this" {
  for_each = toset(split("\n", trimspace(<<EOT
primary
EOT
  )))

  enable = true
}
