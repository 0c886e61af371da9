resource "aws_iam_role" "orders" {
  name = "orders-instances"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

# Tracing was planned for the orders service.
resource "aws_iam_role_policy_attachment" "orders_xray" {
  role       = aws_iam_role.orders.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_instance_profile" "orders" {
  name = "orders-instances"
  role = aws_iam_role.orders.name
}
