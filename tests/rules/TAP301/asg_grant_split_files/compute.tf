data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}

resource "aws_launch_template" "orders" {
  name_prefix   = "orders-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "m7i.large"

  iam_instance_profile {
    arn = aws_iam_instance_profile.orders.arn
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    dnf install -y java-21-amazon-corretto-headless
    # TODO(orders): start the xray daemon once the SDK is wired in
    systemctl enable --now orders
  EOT
  )
}

resource "aws_autoscaling_group" "orders" {
  name                = "orders"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  launch_template {
    id      = aws_launch_template.orders.id
    version = aws_launch_template.orders.latest_version
  }
}
