locals {
  service = "orders"
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail

    dnf install -y java-21-amazon-corretto-headless
    useradd --system --home-dir /opt/app --shell /sbin/nologin app || true
    mkdir -p /opt/app /var/log/app
    chown app:app /var/log/app
    export HOME_DIR="$${HOME}"
    echo "literal percent-brace: %%{not_a_directive}"

    cat > /etc/app.env <<'ENV'
    SERVER_PORT=${var.app_port}
    APP_ENV=${var.environment}
    DB_HOST=${aws_db_instance.main.address}
    LOG_DIR=/var/log/${local.service}
    ENV

    cat > /etc/systemd/system/app.service <<'UNIT'
    [Service]
    User=app
    EnvironmentFile=/etc/app.env
    ExecStart=/usr/bin/java -jar /opt/app/app.jar
    UNIT
    systemctl enable --now app
  EOT
  )
}

resource "aws_db_instance" "main" {
  identifier                  = "app-db"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
