"""TAP211 elasticache-auth-token-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where


def test_token_comes_from_a_random_password_added_after_the_group_and_to_required_providers():
    findings = scan_fixture("TAP211/required_providers", "TAP211")
    assert where(findings) == [("TAP211", "redis.tf", 16, "aws_elasticache_replication_group.sessions")]
    assert findings[0].message == (
        "aws_elasticache_replication_group.sessions has transit_encryption_enabled = true but neither "
        "auth_token nor user_group_ids: any client that reaches port 6379 runs commands without a password"
    )
    assert findings[0].fix.applicability == "unsafe"
    assert 'until auth_token_update_strategy = "SET"' in findings[0].fix.description
    fixed = fixed_files("TAP211/required_providers", "TAP211")
    assert sorted(fixed) == ["redis.tf", "versions.tf"]
    assert fixed["redis.tf"].endswith(
        """\
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  auth_token                 = random_password.sessions_auth.result

  tags = {
    Service = "sessions"
  }
}

resource "random_password" "sessions_auth" {
  length           = 32
  override_special = "!&#$^<>-"
}
"""
    )
    assert fixed["versions.tf"] == (
        """\
terraform {
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.0"
    }
  }
}
"""
    )


def test_counted_groups_get_one_token_each_and_no_required_providers_when_none_declared():
    findings = scan_fixture("TAP211/count_split_files", "TAP211")
    assert where(findings) == [("TAP211", "cache.tf", 8, "aws_elasticache_replication_group.tenant")]
    # The value comes from a variable default in variables.tf.
    assert "transit_encryption_enabled = var.encrypt_in_transit (true)" in findings[0].message
    assert (
        fix_diff("TAP211/count_split_files", "TAP211")
        == """\
--- a/cache.tf
+++ b/cache.tf
@@ -8,2 +8,9 @@
   transit_encryption_enabled = var.encrypt_in_transit
+  auth_token                 = random_password.tenant_auth[count.index].result
 }
+
+resource "random_password" "tenant_auth" {
+  count            = length(var.tenants)
+  length           = 32
+  override_special = "!&#$^<>-"
+}
"""
    )


def test_for_each_groups_copy_the_for_each_instead_of_pointing_back_at_the_group():
    # terraform.tfvars turns tls on (the default is false).
    findings = scan_fixture("TAP211/for_each_tfvars", "TAP211")
    assert where(findings) == [("TAP211", "main.tf", 15, "aws_elasticache_replication_group.queue")]
    diff = fix_diff("TAP211/for_each_tfvars", "TAP211")
    assert "+  auth_token                 = random_password.queue_auth[each.key].result\n" in diff
    assert '+  for_each         = toset(["jobs", "rate-limits"])\n' in diff


@pytest.mark.parametrize(
    "case",
    [
        "ok_auth_token",  # auth_token from a sensitive variable (value unknown, but present)
        "ok_rbac_user_group",  # RBAC through user_group_ids
        "ok_transit_unknown",  # transit encryption from a variable without default
        "ok_transit_disabled",  # false through a local condition, or not set at all
        "ok_module_call",  # a module input named transit_encryption_enabled is not a resource
    ],
)
def test_no_finding_when_auth_is_configured_or_transit_is_not_known_to_be_on(case):
    assert scan_fixture(f"TAP211/{case}", "TAP211") == []
