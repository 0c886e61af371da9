data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_iam_role" "metrics" {
  name = "metrics-host"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

# Also allows xray:PutTraceSegments, for the agent's trace receiver: not a wish to trace.
resource "aws_iam_role_policy_attachment" "metrics_agent" {
  role       = aws_iam_role.metrics.name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
}

resource "aws_iam_instance_profile" "metrics" {
  role = aws_iam_role.metrics.name
}

resource "aws_instance" "metrics" {
  ami                  = data.aws_ami.al2023.id
  instance_type        = "t3.small"
  iam_instance_profile = aws_iam_instance_profile.metrics.name
}
