resource "aws_iam_role" "backend" {
  name = "backend"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "backend_xray" {
  role       = aws_iam_role.backend.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_instance_profile" "backend" {
  role = aws_iam_role.backend.name
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "backend" {
  ami                  = data.aws_ami.al2023.id
  instance_type        = "t3.medium"
  iam_instance_profile = aws_iam_instance_profile.backend.name
}

resource "aws_api_gateway_rest_api" "public" {
  name = "public"
}

resource "aws_api_gateway_deployment" "public" {
  rest_api_id = aws_api_gateway_rest_api.public.id
}

resource "aws_api_gateway_stage" "v1" {
  rest_api_id          = aws_api_gateway_rest_api.public.id
  deployment_id        = aws_api_gateway_deployment.public.id
  stage_name           = "v1"
  xray_tracing_enabled = true
}
