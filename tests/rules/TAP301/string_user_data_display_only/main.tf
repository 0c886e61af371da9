data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_iam_role" "edge" {
  name = "edge-proxy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_policy" "tracing" {
  name = "edge-tracing"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "edge_tracing" {
  role       = aws_iam_role.edge.name
  policy_arn = aws_iam_policy.tracing.arn
}

resource "aws_iam_instance_profile" "edge" {
  role = aws_iam_role.edge.name
}

resource "aws_launch_template" "edge" {
  name_prefix   = "edge-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "c7g.large"
  user_data     = base64encode("#!/bin/bash\ndnf install -y envoy\nsystemctl enable --now envoy\n")

  iam_instance_profile {
    name = aws_iam_instance_profile.edge.name
  }
}
