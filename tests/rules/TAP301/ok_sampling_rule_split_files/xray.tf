resource "aws_xray_sampling_rule" "api" {
  rule_name      = "api-errors"
  priority       = 100
  version        = 1
  reservoir_size = 5
  fixed_rate     = 0.1
  host           = "*"
  http_method    = "*"
  url_path       = "/api/*"
  service_name   = "api"
  service_type   = "AWS::EC2::Instance"
  resource_arn   = "*"
}
