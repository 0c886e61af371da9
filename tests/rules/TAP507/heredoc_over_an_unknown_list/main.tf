data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

variable "extra_packages" {
  type = list(string)
}

resource "aws_launch_template" "reports" {
  name_prefix   = "reports-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "t3.small"

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    dnf install -y python3.11
    %{for pkg in var.extra_packages~}
    dnf install -y ${pkg}
    %{endfor~}
    useradd --system --home-dir /opt/reports --shell /sbin/nologin reports || true
    mkdir -p /opt/reports /var/log/reports
    chown reports:reports /var/log/reports
    pip3.11 install reports-service==2.1.0

    cat > /etc/systemd/system/reports.service <<'UNIT'
    [Service]
    User=reports
    ExecStart=/usr/local/bin/reports-service --log-file /var/log/reports/reports.log
    Restart=always
    UNIT
    systemctl daemon-reload
    systemctl enable --now reports
    echo ready
    echo done
  EOT
  )
}

resource "aws_autoscaling_group" "reports" {
  name                = "reports"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  launch_template {
    id      = aws_launch_template.reports.id
    version = "$Latest"
  }
}
