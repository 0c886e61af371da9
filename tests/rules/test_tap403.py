"""TAP403 backup-plan-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where

NEW_BACKUP = """\
+resource "aws_backup_vault" "backup" {
+  name = "orders-${var.environment}-backup"
+}
+
+resource "aws_backup_plan" "daily" {
+  name = "orders-${var.environment}-daily"
+
+  rule {
+    rule_name         = "daily"
+    target_vault_name = aws_backup_vault.backup.name
+    schedule          = "cron(0 5 * * ? *)"
+
+    lifecycle {
+      delete_after = 35
+    }
+  }
+}
+
+resource "aws_iam_role" "backup" {
+  name_prefix = "backup-"
+
+  assume_role_policy = jsonencode({
+    Version = "2012-10-17"
+    Statement = [{
+      Effect    = "Allow"
+      Action    = "sts:AssumeRole"
+      Principal = { Service = "backup.amazonaws.com" }
+    }]
+  })
+}
+
+resource "aws_iam_role_policy_attachment" "backup" {
+  role       = aws_iam_role.backup.name
+  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
+}
+
+resource "aws_backup_selection" "main" {
+  name         = "orders-${var.environment}-backup"
+  plan_id      = aws_backup_plan.daily.id
+  iam_role_arn = aws_iam_role.backup.arn
+  resources    = [aws_db_instance.main.arn]
+}
"""


def test_database_gets_vault_plan_role_and_selection_named_after_its_identifier():
    findings = scan_fixture("TAP403/rds_plain", "TAP403")
    assert where(findings) == [("TAP403", "main.tf", 7, "aws_db_instance.main")]
    assert findings[0].message == (
        "aws_db_instance.main is selected by no AWS Backup plan: its only backups are RDS automated "
        "backups (backup_retention_period = 7 days), kept in the same account and deleted with it"
    )
    assert findings[0].fix.applicability == "safe"
    assert fix_diff("TAP403/rds_plain", "TAP403") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -17 +17,44 @@\n }\n+\n" + NEW_BACKUP
    )


def test_an_existing_selection_of_the_plan_gets_the_missing_arn_instead_of_a_second_plan():
    findings = scan_fixture("TAP403/reuse_plan_role_and_selection_split_files", "TAP403")
    assert where(findings) == [("TAP403", "rds.tf", 13, "aws_db_instance.reports")]
    assert findings[0].fix.description == "Add aws_db_instance.reports to aws_backup_selection.databases"
    assert (
        fix_diff("TAP403/reuse_plan_role_and_selection_split_files", "TAP403")
        == """\
--- a/backup.tf
+++ b/backup.tf
@@ -43,3 +43,3 @@
   iam_role_arn = aws_iam_role.backup.arn
-  resources    = [aws_db_instance.orders.arn]
+  resources    = [aws_db_instance.orders.arn, aws_db_instance.reports.arn]
 }
"""
    )


def test_a_tag_selection_that_does_not_match_gets_a_selection_on_the_existing_plan_and_role():
    findings = scan_fixture("TAP403/tag_selection_does_not_match", "TAP403")
    assert where(findings) == [("TAP403", "main.tf", 52, "aws_efs_file_system.uploads")]
    assert findings[0].message == (
        "aws_efs_file_system.uploads is selected by no AWS Backup plan: it has no backups at all"
    )
    assert (
        fix_diff("TAP403/tag_selection_does_not_match", "TAP403")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -59 +59,8 @@
 }
+
+resource "aws_backup_selection" "uploads" {
+  name         = "orders-uploads-backup"
+  plan_id      = aws_backup_plan.nightly.id
+  iam_role_arn = aws_iam_role.backup.arn
+  resources    = [aws_efs_file_system.uploads.arn]
+}
"""
    )


def test_a_wildcard_selection_whose_condition_excludes_the_table_is_not_extended():
    # Conditions apply to listed ARNs too, so appending the ARN would change nothing.
    findings = scan_fixture("TAP403/wildcard_condition_does_not_match", "TAP403")
    assert where(findings) == [("TAP403", "main.tf", 54, "aws_dynamodb_table.orders")]
    diff = fix_diff("TAP403/wildcard_condition_does_not_match", "TAP403")
    assert '+resource "aws_backup_selection" "orders" {' in diff
    assert '-  resources    = ["*"]' not in diff


def test_every_unselected_store_goes_into_one_selection_with_counted_ones_splatted():
    findings = scan_fixture("TAP403/counted_volumes_and_table", "TAP403")
    assert where(findings) == [
        ("TAP403", "main.tf", 7, "aws_dynamodb_table.sessions"),
        ("TAP403", "main.tf", 18, "aws_ebs_volume.data"),
    ]
    assert findings[0].fix == findings[1].fix
    fixed = fixed_files("TAP403/counted_volumes_and_table", "TAP403")["main.tf"]
    assert fixed.count('resource "aws_backup_plan"') == 1
    assert "  resources    = concat([aws_dynamodb_table.sessions.arn], aws_ebs_volume.data[*].arn)\n" in fixed


@pytest.mark.parametrize(
    "case",
    [
        "ok_selected_via_local_split_files",  # the selection lists the ARN through a local
        "ok_selected_by_tag_from_default_tags",  # Tier=critical reaches the table through default_tags
        "ok_wildcard_with_matching_condition",  # resources = ["*"] and a condition the tags meet
        "ok_unknown_tags",  # tags from a variable without default: a tag selection may match
        "ok_organization_backup_tag",  # a backup-plan tag: backups are arranged elsewhere
        "ok_read_replica_and_selected_primary",  # a read replica is backed up through its source
        "ok_module_call",  # the ARN is handed to a module that selects it
    ],
)
def test_no_finding_when_a_selection_covers_or_may_cover_the_store(case):
    assert scan_fixture(f"TAP403/{case}", "TAP403") == []
