resource "aws_iam_role" "enhanced_monitoring" {
  name_prefix        = "enhanced-monitoring-"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": { "Service": "monitoring.rds.amazonaws.com" },
          "Action": "sts:AssumeRole"
        }
      ]
    }
  EOT
}

resource "aws_db_instance" "crm" {
  identifier        = "crm-mariadb"
  engine            = "mariadb"
  engine_version    = "10.11.9"
  instance_class    = "db.t4g.medium"
  allocated_storage = 40

  username                    = "crm_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
