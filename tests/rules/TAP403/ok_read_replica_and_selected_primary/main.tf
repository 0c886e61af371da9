resource "aws_db_instance" "main" {
  identifier                  = "orders-db"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  username                    = "app_admin"
  manage_master_user_password = true
  backup_retention_period     = 7
  skip_final_snapshot         = true
}

resource "aws_db_instance" "replica" {
  identifier          = "orders-db-replica"
  replicate_source_db = aws_db_instance.main.identifier
  instance_class      = "db.t4g.medium"
  skip_final_snapshot = true
}

resource "aws_backup_vault" "central" {
  name = "orders-vault"
}

resource "aws_backup_plan" "nightly" {
  name = "orders-nightly"

  rule {
    rule_name         = "nightly"
    target_vault_name = aws_backup_vault.central.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = 30
    }
  }
}

data "aws_iam_policy_document" "backup_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "orders-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_trust.json
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "primary" {
  name         = "orders-primary"
  plan_id      = aws_backup_plan.nightly.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [aws_db_instance.main.arn]
}
