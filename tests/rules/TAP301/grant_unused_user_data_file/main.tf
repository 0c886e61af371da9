data "aws_ami" "al2" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

resource "aws_iam_role" "tracing_demo" {
  name = "tracing-demo"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "tracing_demo_xray" {
  role       = aws_iam_role.tracing_demo.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_instance_profile" "tracing_demo" {
  role = aws_iam_role.tracing_demo.name
}

resource "aws_instance" "tracing_demo" {
  ami                  = data.aws_ami.al2.id
  instance_type        = "t3.small"
  iam_instance_profile = aws_iam_instance_profile.tracing_demo.name

  user_data = file("user_data.sh")
}
