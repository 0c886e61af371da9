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

resource "aws_backup_selection" "critical" {
  name         = "critical-data"
  plan_id      = aws_backup_plan.nightly.id
  iam_role_arn = aws_iam_role.backup.arn

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "Tier"
    value = "critical"
  }
}

resource "aws_efs_file_system" "uploads" {
  creation_token = "orders-uploads"
  encrypted      = true

  tags = {
    Tier = "standard"
  }
}
