"""TAP223 rds-parameter-group-minimal: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where

TLS_WARNING = "refuses every client that connects without TLS"


def test_mysql_group_gets_slow_log_and_tls_blocks_before_its_lifecycle():
    findings = scan_fixture("TAP223/mysql_static_blocks", "TAP223")
    assert where(findings) == [("TAP223", "main.tf", 1, "aws_db_parameter_group.shop")]
    assert findings[0].message == (
        "aws_db_parameter_group.shop has family mysql8.0 and sets no slow_query_log, "
        "long_query_time, log_output, require_secure_transport: slow queries leave no trace in "
        "the logs and clients may connect without TLS. The fix's require_secure_transport = 1 "
        "refuses every client that connects without TLS (MySQL error 3159): check all drivers "
        "and connection strings first"
    )
    # Unsafe because of require_secure_transport: non-TLS clients are cut off.
    assert findings[0].fix.applicability == "unsafe"
    assert fixed_files("TAP223/mysql_static_blocks", "TAP223") == {
        "main.tf": """\
resource "aws_db_parameter_group" "shop" {
  name_prefix = "shop-mysql80-"
  family      = "mysql8.0"
  description = "Shop database settings"

  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name         = "innodb_buffer_pool_size"
    value        = "{DBInstanceClassMemory*3/4}"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "long_query_time"
    value = "2"
  }

  parameter {
    name  = "log_output"
    value = "FILE"
  }

  parameter {
    name  = "require_secure_transport"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}
"""
    }


def test_entries_join_the_local_map_a_dynamic_block_iterates():
    findings = scan_fixture("TAP223/postgres14_local_map_split_files", "TAP223")
    assert where(findings) == [("TAP223", "params.tf", 1, "aws_db_parameter_group.warehouse")]
    assert findings[0].message.startswith(
        "aws_db_parameter_group.warehouse has family postgres14 (from var.postgres_family) and "
        "sets no log_min_duration_statement, rds.force_ssl:"
    )
    assert "The fix's rds.force_ssl = 1 " + TLS_WARNING in findings[0].message
    assert (
        fix_diff("TAP223/postgres14_local_map_split_files", "TAP223")
        == """\
--- a/locals.tf
+++ b/locals.tf
@@ -4,2 +4,4 @@
     "rds.log_retention_period" = "4320"
+    log_min_duration_statement = "2000"
+    "rds.force_ssl"            = "1"
   }
"""
    )


def test_postgres16_needs_only_the_slow_log_and_the_fix_is_safe():
    findings = scan_fixture("TAP223/postgres16_inline_map", "TAP223")
    assert where(findings) == [("TAP223", "main.tf", 1, "aws_db_parameter_group.notes")]
    # rds.force_ssl already defaults to 1 from PostgreSQL 15.
    assert findings[0].message == (
        "aws_db_parameter_group.notes has family postgres16 and sets no "
        "log_min_duration_statement: slow queries leave no trace in the logs"
    )
    assert findings[0].fix.applicability == "safe"
    assert (
        fix_diff("TAP223/postgres16_inline_map", "TAP223")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -5,3 +5,3 @@
   dynamic "parameter" {
-    for_each = { log_statement = "ddl" }
+    for_each = { log_statement = "ddl", log_min_duration_statement = "2000" }
     iterator = setting
"""
    )


def test_mariadb_group_with_a_slow_log_only_lacks_secure_transport():
    findings = scan_fixture("TAP223/mariadb_partial_count", "TAP223")
    assert where(findings) == [("TAP223", "main.tf", 7, "aws_db_parameter_group.wiki")]
    assert findings[0].message.startswith(
        "aws_db_parameter_group.wiki has family mariadb10.11 and sets no "
        "require_secure_transport: clients may connect without TLS."
    )
    assert (
        fix_diff("TAP223/mariadb_partial_count", "TAP223")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -21,2 +21,7 @@
   }
+
+  parameter {
+    name  = "require_secure_transport"
+    value = "1"
+  }
 }
"""
    )


def test_force_ssl_of_an_old_postgres_waits_for_a_reboot():
    findings = scan_fixture("TAP223/postgres13_static", "TAP223")
    assert where(findings) == [("TAP223", "main.tf", 1, "aws_db_parameter_group.legacy")]
    assert fixed_files("TAP223/postgres13_static", "TAP223") == {
        "main.tf": """\
resource "aws_db_parameter_group" "legacy" {
  name   = "legacy-postgres13"
  family = "postgres13"

  parameter {
    name  = "log_min_duration_statement"
    value = "2000"
  }

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}
"""
    }


@pytest.mark.parametrize(
    "case",
    [
        "ok_complete_mysql",  # slow log from a dynamic block, TLS from a static one
        "ok_unknown_parameters",  # dynamic block over a variable without default: unknown
        "ok_mysql84_slow_log",  # MySQL 8.4 enforces TLS by default
        "ok_sqlserver",  # not MySQL, MariaDB or PostgreSQL
    ],
)
def test_no_finding_when_the_group_is_complete_or_unknowable(case):
    assert scan_fixture(f"TAP223/{case}", "TAP223") == []
