"""TAP221 rds-final-snapshot-static: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where

STALE_NAME = (
    "the name is the same for every database ever created at this address, so once a snapshot "
    "of that name exists the next deletion or replacement fails with DBSnapshotAlreadyExists"
)


def test_literal_identifier_gets_a_random_suffix_kept_with_the_instance():
    findings = scan_fixture("TAP221/literal", "TAP221")
    assert where(findings) == [("TAP221", "main.tf", 14, "aws_db_instance.orders")]
    assert findings[0].message == (
        'aws_db_instance.orders has final_snapshot_identifier "orders-mysql-final" with '
        f"skip_final_snapshot false: {STALE_NAME}"
    )
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP221/literal", "TAP221") == {
        "main.tf": """\
resource "aws_db_instance" "orders" {
  identifier        = "orders-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  storage_encrypted = true

  db_name                     = "orders"
  username                    = "orders_admin"
  manage_master_user_password = true

  skip_final_snapshot       = false
  final_snapshot_identifier = "orders-mysql-final-${random_id.orders_final_snapshot.hex}" # kept when the instance is deleted
}

resource "random_id" "orders_final_snapshot" {
  byte_length = 4

  # A change to any of these replaces the database, and draws a new suffix.
  keepers = {
    identifier        = "orders-mysql"
    engine            = "mysql"
    db_name           = "orders"
    username          = "orders_admin"
    storage_encrypted = true
  }
}
""",
        "versions.tf": """\
terraform {
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.0"
    }
  }
}
""",
    }


def test_cluster_identifier_built_from_locals_keeps_its_template():
    findings = scan_fixture("TAP221/cluster_template_split_files", "TAP221")
    assert where(findings) == [("TAP221", "cluster.tf", 12, "aws_rds_cluster.ledger")]
    assert findings[0].message.startswith(
        'aws_rds_cluster.ledger has final_snapshot_identifier "ledger-prod-final" with '
        "skip_final_snapshot false (the default):"
    )
    assert fixed_files("TAP221/cluster_template_split_files", "TAP221") == {
        "cluster.tf": """\
resource "aws_rds_cluster" "ledger" {
  cluster_identifier = local.cluster_name
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "ledger"
  master_username    = "ledger_admin"
  storage_encrypted  = true
  kms_key_id         = var.kms_key_arn

  manage_master_user_password = true

  final_snapshot_identifier = "${local.cluster_name}-final-${random_id.ledger_final_snapshot.hex}"
}

resource "random_id" "ledger_final_snapshot" {
  byte_length = 4

  # A change to any of these replaces the database, and draws a new suffix.
  keepers = {
    cluster_identifier = local.cluster_name
    engine             = "aurora-postgresql"
    database_name      = "ledger"
    master_username    = "ledger_admin"
    kms_key_id         = var.kms_key_arn
    storage_encrypted  = true
  }
}
"""
    }


def test_counted_instances_get_one_suffix_each():
    findings = scan_fixture("TAP221/count", "TAP221")
    assert where(findings) == [("TAP221", "main.tf", 20, "aws_db_instance.reports")]
    assert 'final_snapshot_identifier "reports-0-final" (and 1 more)' in findings[0].message
    assert (
        fix_diff("TAP221/count", "TAP221")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -19,3 +19,15 @@
   skip_final_snapshot       = false
-  final_snapshot_identifier = "reports-${count.index}-final"
+  final_snapshot_identifier = "reports-${count.index}-final-${random_id.reports_final_snapshot[count.index].hex}"
 }
+
+resource "random_id" "reports_final_snapshot" {
+  count       = var.shards
+  byte_length = 4
+
+  # A change to any of these replaces the database, and draws a new suffix.
+  keepers = {
+    identifier = "reports-${count.index}"
+    engine     = "postgres"
+    username   = "reports"
+  }
+}
"""
    )


def test_name_shared_by_every_for_each_instance_is_reported_with_its_variable():
    findings = scan_fixture("TAP221/for_each_shared_name", "TAP221")
    assert where(findings) == [("TAP221", "main.tf", 28, "aws_db_instance.tenant")]
    assert findings[0].message.startswith(
        'aws_db_instance.tenant has final_snapshot_identifier "tenant-final" (from '
        "var.final_snapshot_name) with skip_final_snapshot false (the default): the name is the "
        "same for every database ever created at this address and every instance of it shares one name"
    )
    diff = fix_diff("TAP221/for_each_shared_name", "TAP221")
    assert (
        '+  final_snapshot_identifier = "${var.final_snapshot_name}-'
        '${random_id.tenant_final_snapshot[each.key].hex}"\n'
    ) in diff
    # The random_id repeats the instance's for_each expression: `for_each = aws_db_instance.tenant`
    # would make it depend on the instance that depends on it.
    assert '+resource "random_id" "tenant_final_snapshot" {\n+  for_each    = var.tenants\n' in diff


@pytest.mark.parametrize(
    "case",
    [
        "ok_random_suffix",  # the identifier already carries a random_id suffix
        "ok_skip_from_variable",  # skip_final_snapshot = var.x, default true
        "ok_skip_unknown",  # skip_final_snapshot from a variable without default: unknown
        "ok_read_replica",  # AWS takes no final snapshot of a read replica
    ],
)
def test_no_finding_when_the_name_is_unique_or_never_used(case):
    assert scan_fixture(f"TAP221/{case}", "TAP221") == []
