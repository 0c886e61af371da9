variable "ami_id" {
  description = "Golden image with the X-Ray daemon preinstalled."
  type        = string
}

resource "aws_iam_role" "batch" {
  name = "batch"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "batch_xray" {
  role       = aws_iam_role.batch.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_instance_profile" "batch" {
  role = aws_iam_role.batch.name
}

resource "aws_launch_template" "batch" {
  name_prefix = "batch-"
  image_id    = var.ami_id

  iam_instance_profile {
    name = aws_iam_instance_profile.batch.name
  }
}
