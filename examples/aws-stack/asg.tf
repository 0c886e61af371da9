data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}

# --- Instance role --------------------------------------------------------------

resource "aws_iam_role" "app" {
  name = "${local.name_prefix}-app"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "ec2.amazonaws.com" }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "app_ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "app_xray" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_iam_role_policy" "app_artifacts" {
  name = "read-release-artifacts"
  role = aws_iam_role.app.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::${var.artifact_bucket}/checkout/*"
      },
    ]
  })
}

resource "aws_iam_instance_profile" "app" {
  name = "${local.name_prefix}-app"
  role = aws_iam_role.app.name
}

# --- Launch template and Auto Scaling group ---------------------------------------

resource "aws_launch_template" "app" {
  name_prefix   = "${local.name_prefix}-app-"
  image_id      = data.aws_ami.al2023.id
  instance_type = var.instance_type

  vpc_security_group_ids = [aws_security_group.app.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.app.arn
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  monitoring {
    enabled = true
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail

    # Packages
    dnf update -y
    dnf install -y java-21-amazon-corretto-headless

    # Service user and directories
    useradd --system --home-dir /opt/checkout --shell /sbin/nologin checkout || true
    mkdir -p /opt/checkout /var/log/checkout
    chown checkout:checkout /var/log/checkout

    # Release
    aws s3 cp "s3://${var.artifact_bucket}/checkout/${var.app_version}/checkout.jar" /opt/checkout/checkout.jar
    chown -R checkout:checkout /opt/checkout

    # Runtime configuration
    cat > /etc/checkout.env <<'ENV'
    SERVER_PORT=${var.app_port}
    SPRING_PROFILES_ACTIVE=${var.environment}
    DB_HOST=${aws_db_instance.main.address}
    DB_NAME=${aws_db_instance.main.db_name}
    DB_USER=${var.db_username}
    DB_PASSWORD_PARAMETER=/${local.name_prefix}/db-password
    REDIS_HOST=${aws_elasticache_replication_group.sessions.primary_endpoint_address}
    REDIS_TLS=true
    LOG_PATH=/var/log/checkout
    ENV
    chmod 0640 /etc/checkout.env
    chgrp checkout /etc/checkout.env

    # systemd unit
    cat > /etc/systemd/system/checkout.service <<'UNIT'
    [Unit]
    Description=Storefront checkout service
    After=network-online.target
    Wants=network-online.target

    [Service]
    User=checkout
    EnvironmentFile=/etc/checkout.env
    ExecStart=/usr/bin/java -Xms512m -Xmx1536m -jar /opt/checkout/checkout.jar
    Restart=always
    RestartSec=5

    [Install]
    WantedBy=multi-user.target
    UNIT

    systemctl daemon-reload
    systemctl enable --now checkout
  EOT
  )

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_autoscaling_group" "app" {
  name                      = "${local.name_prefix}-app"
  min_size                  = var.asg_min_size
  max_size                  = var.asg_max_size
  vpc_zone_identifier       = aws_subnet.private[*].id
  target_group_arns         = [aws_lb_target_group.app.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 300

  launch_template {
    id      = aws_launch_template.app.id
    version = aws_launch_template.app.latest_version
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 50
    }
  }

  # default_tags do not reach instances launched by an ASG, so copy them here.
  dynamic "tag" {
    for_each = merge(data.aws_default_tags.current.tags, { Name = "${local.name_prefix}-app" })

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

resource "aws_autoscaling_policy" "app_cpu" {
  name                   = "cpu-target-tracking"
  autoscaling_group_name = aws_autoscaling_group.app.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }

    target_value = 60
  }
}
