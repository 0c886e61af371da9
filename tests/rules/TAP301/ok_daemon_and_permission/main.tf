data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_iam_role" "web" {
  name = "web"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "web_xray" {
  role       = aws_iam_role.web.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_instance_profile" "web" {
  role = aws_iam_role.web.name
}

# X-Ray's default sampling rule applies: no custom rule is needed.
resource "aws_instance" "web" {
  ami                  = data.aws_ami.al2023.id
  instance_type        = "t3.medium"
  iam_instance_profile = aws_iam_instance_profile.web.name

  user_data = <<-EOT
    #!/bin/bash
    dnf install -y https://s3.us-east-2.amazonaws.com/aws-xray-assets.us-east-2/xray-daemon/aws-xray-daemon-3.x.rpm
  EOT
}
