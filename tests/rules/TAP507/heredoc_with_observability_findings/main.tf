data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

variable "app_port" {
  type    = number
  default = 8080
}

variable "queue_url" {
  type = string
}

resource "aws_iam_role" "orders" {
  name = "orders"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "orders_xray" {
  role       = aws_iam_role.orders.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_instance_profile" "orders" {
  role = aws_iam_role.orders.name
}

resource "aws_launch_template" "orders" {
  name_prefix   = "orders-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "t3.small"

  iam_instance_profile {
    arn = aws_iam_instance_profile.orders.arn
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    dnf install -y java-21-amazon-corretto-headless
    useradd --system --home-dir /opt/orders --shell /sbin/nologin orders || true
    mkdir -p /opt/orders /var/log/orders
    chown orders:orders /var/log/orders
    aws s3 cp s3://acme-artifacts/orders/orders.jar /opt/orders/orders.jar

    cat > /etc/orders.env <<'ENV'
    SERVER_PORT=${var.app_port}
    QUEUE_URL=${var.queue_url}
    LOG_FILE=/var/log/orders/orders.log
    ENV

    cat > /etc/systemd/system/orders.service <<'UNIT'
    [Service]
    User=orders
    EnvironmentFile=/etc/orders.env
    ExecStart=/usr/bin/java -jar /opt/orders/orders.jar
    Restart=always
    UNIT
    systemctl daemon-reload
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
    version = "$Latest"
  }
}

resource "aws_cloudwatch_metric_alarm" "orders_memory" {
  alarm_name          = "orders-memory"
  namespace           = "CWAgent"
  metric_name         = "mem_used_percent"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 90
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { AutoScalingGroupName = aws_autoscaling_group.orders.name }
}
