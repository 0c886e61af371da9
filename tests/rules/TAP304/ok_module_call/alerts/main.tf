variable "name" {
  type = string
}

variable "event_pattern" {
  type = string
}

resource "aws_sns_topic" "this" {
  name = var.name
}

resource "aws_cloudwatch_event_rule" "this" {
  name          = var.name
  event_pattern = var.event_pattern
}

resource "aws_cloudwatch_event_target" "this" {
  rule = aws_cloudwatch_event_rule.this.name
  arn  = aws_sns_topic.this.arn
}
