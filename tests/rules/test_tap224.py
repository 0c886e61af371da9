"""TAP224 secret-in-plain-variable: exact findings and exact fixes.

A master password fed from a plain variable is one problem with two fixes, so it gives two
findings: the variable's (safe: `sensitive = true`) and the database's (unsafe: RDS-managed
password). Either fix resolves the database finding.
"""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where

PRINTED = (
    "is not marked sensitive: Terraform prints its value in plan output and CI logs "
    "(state still holds it either way)"
)


def test_db_password_variable_gives_a_safe_and_an_unsafe_fix():
    findings = scan_fixture("TAP224/db_password_split_files", "TAP224")
    assert where(findings) == [
        ("TAP224", "rds.tf", 10, "aws_db_instance.orders"),
        ("TAP224", "variables.tf", 7, "var.db_password"),
    ]
    database, variable = findings
    assert variable.message == f"var.db_password (it sets aws_db_instance.orders.password) {PRINTED}"
    assert variable.fix.applicability == "safe"
    assert database.key == "manage_master_user_password"
    assert database.message == (
        "aws_db_instance.orders takes its master password from var.db_password, which is not "
        "sensitive (variables.tf:7). RDS can generate and rotate the password in Secrets Manager "
        "instead (manage_master_user_password = true): the fix removes `password`, the current "
        "password stops working at the next apply, and applications must read "
        "master_user_secret[0].secret_arn"
    )
    assert database.fix.applicability == "unsafe"


def test_safe_fix_only_marks_the_variable_sensitive():
    assert fixed_files("TAP224/db_password_split_files", "TAP224", unsafe=False) == {
        "variables.tf": """\
variable "db_username" {
  description = "Master user of the orders database."
  type        = string
  default     = "orders_admin"
}

variable "db_password" {
  description = "Master password of the orders database."
  type        = string
  sensitive   = true
}
"""
    }


def test_unsafe_fix_replaces_the_password_with_a_managed_one():
    assert fixed_files("TAP224/db_password_split_files", "TAP224")["rds.tf"] == (
        """\
resource "aws_db_instance" "orders" {
  identifier        = "orders-postgres"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = "db.t4g.medium"
  allocated_storage = 50

  db_name  = "orders"
  username = var.db_username
  port     = 5432

  manage_master_user_password = true

  skip_final_snapshot = true
}
"""
    )


def test_output_exposing_the_token_is_marked_sensitive_in_the_same_fix():
    findings = scan_fixture("TAP224/api_token_output", "TAP224")
    assert where(findings) == [("TAP224", "main.tf", 1, "var.slack_api_token")]
    assert findings[0].fix.description == (
        "Mark var.slack_api_token sensitive (and output.forwarder_settings, which exposes it)"
    )
    assert fixed_files("TAP224/api_token_output", "TAP224") == {
        "main.tf": """\
variable "slack_api_token" {
  description = "Bot token the alert forwarder posts with."
  sensitive   = true
}

resource "aws_ssm_parameter" "slack_token" {
  name  = "/alerts/slack/token"
  type  = "SecureString"
  value = var.slack_api_token
}

output "slack_token_parameter" {
  description = "SSM parameter holding the Slack token."
  value       = aws_ssm_parameter.slack_token.name
}

output "forwarder_settings" {
  description = "Settings for the alert forwarder's environment."
  value = {
    channel = "#alerts"
    token   = var.slack_api_token
  }
  sensitive = true
}
"""
    }


def test_any_variable_feeding_a_cluster_password_through_a_local_is_reported():
    findings = scan_fixture("TAP224/cluster_via_local", "TAP224")
    assert where(findings) == [
        ("TAP224", "main.tf", 1, "var.master_credential"),
        ("TAP224", "main.tf", 15, "aws_rds_cluster.events"),
    ]
    assert findings[0].message == (
        f"var.master_credential (it sets aws_rds_cluster.events.master_password) {PRINTED}"
    )
    assert "the fix removes `master_password`" in findings[1].message
    assert (
        "\n-  master_password    = local.master_password\n+\n+  manage_master_user_password = true\n"
        in fix_diff("TAP224/cluster_via_local", "TAP224")
    )


def test_variable_used_in_for_each_is_reported_without_a_fix():
    findings = scan_fixture("TAP224/for_each_user", "TAP224")
    assert where(findings) == [("TAP224", "main.tf", 1, "var.webhook_token")]
    assert findings[0].message == (
        f"var.webhook_token (it sets aws_ssm_parameter.webhook_token.value) {PRINTED}; "
        "aws_ssm_parameter.webhook_token uses it in for_each, "
        "where Terraform refuses sensitive values, so no fix is offered"
    )
    assert findings[0].fix is None


def test_explicit_sensitive_false_is_turned_around():
    findings = scan_fixture("TAP224/sensitive_false", "TAP224")
    assert where(findings) == [("TAP224", "main.tf", 1, "var.github_token")]
    assert (
        fix_diff("TAP224/sensitive_false", "TAP224")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -3,3 +3,3 @@
   type        = string
-  sensitive   = false
+  sensitive   = true
   default     = null
"""
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_sensitive_db",  # the password variable is sensitive
        "ok_metadata_names",  # *_secret_arn, password_length, token_ttl, private_key_path, flags
        "ok_names_are_no_evidence",  # rotation durations, cron, SET/ROTATE/DELETE, a replica's id, a config map
        "ok_module_call",  # a sensitive variable handed to a module
        "ok_ephemeral_write_only",  # ephemeral variable into password_wo: never in plan or state
        "ok_random_password",  # the password comes from random_password, not a variable
    ],
)
def test_no_finding_for_sensitive_or_non_secret_variables(case):
    assert scan_fixture(f"TAP224/{case}", "TAP224") == []


def test_a_variable_is_a_secret_when_it_reaches_an_argument_the_provider_marks_sensitive():
    findings = scan_fixture("TAP224/auth_token_and_offered_managed_password", "TAP224")
    assert where(findings) == [
        ("TAP224", "main.tf", 2, "var.auth_token"),
        ("TAP224", "main.tf", 8, "var.database_password"),
    ]
    assert findings[0].message.startswith(
        "var.auth_token (it sets aws_elasticache_replication_group.this.auth_token) is not marked sensitive"
    )
    # The module already offers manage_master_user_password: no finding removes its password input.
    assert [f.key for f in findings] == ["", ""]
