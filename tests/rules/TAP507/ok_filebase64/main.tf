resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"
  user_data     = filebase64("${path.module}/bootstrap.sh")
}
