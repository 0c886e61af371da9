"""TAP212 aws-identifier-invalid: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where


def test_replication_group_id_built_from_locals_in_other_files_is_truncated_to_40():
    findings = scan_fixture("TAP212/replication_group_split_files", "TAP212")
    assert where(findings) == [("TAP212", "redis.tf", 3, "aws_elasticache_replication_group.sessions")]
    finding = findings[0]
    assert finding.key == "replication_group_id"
    assert finding.message == (
        "replication_group_id of aws_elasticache_replication_group.sessions evaluates to "
        '"storefront-checkout-production-session-store": 44 characters, more than the limit of 40. '
        "Renaming replaces the replication group (ForceNew); "
        'the fix makes it "storefront-checkout-production-session-s".'
    )
    assert finding.fix.applicability == "unsafe"
    assert (
        fix_diff("TAP212/replication_group_split_files", "TAP212")
        == """\
--- a/redis.tf
+++ b/redis.tf
@@ -2,3 +2,3 @@
   # Session store for the checkout service.
-  replication_group_id = "${local.name_prefix}-session-store"
+  replication_group_id = trimsuffix(substr("${local.name_prefix}-session-store", 0, 40), "-")
   description          = "Checkout session store"
"""
    )


def test_db_identifier_from_tfvars_is_lowered_truncated_and_loses_its_trailing_hyphen():
    findings = scan_fixture("TAP212/db_identifier_tfvars", "TAP212")
    assert where(findings) == [("TAP212", "main.tf", 17, "aws_db_instance.reporting")]
    message = findings[0].message
    # terraform.tfvars sets environment = "Production", overriding the default "staging".
    assert '"Production-billing-reporting-replica-for-controlling-analytics-eu"' in message
    assert "65 characters, more than the limit of 63; contains upper-case letters" in message
    # RDS renames an instance in place (provider >= 5.x), unlike the other resources.
    assert "happens in place but changes its endpoint" in message
    assert message.endswith(
        'the fix makes it "production-billing-reporting-replica-for-controlling-analytics".'
    )
    assert fixed_files("TAP212/db_identifier_tfvars", "TAP212")["main.tf"].splitlines()[16] == (
        '  identifier        = trimsuffix(substr(lower("${var.environment}-${var.service}'
        '-reporting-replica-for-controlling-analytics-eu"), 0, 63), "-")'
    )


def test_for_each_target_group_names_are_checked_per_instance():
    findings = scan_fixture("TAP212/target_group_for_each", "TAP212")
    assert where(findings) == [("TAP212", "main.tf", 16, "aws_lb_target_group.service")]
    message = findings[0].message
    assert message.startswith(
        'name of aws_lb_target_group.service["admin-console"] evaluates to '
        '"checkout-production-admin-console-tg": 36 characters, more than the limit of 32.'
    )
    assert '"checkout-production-api-tg"' not in message  # the valid instance is not reported
    assert fix_diff("TAP212/target_group_for_each", "TAP212").endswith(
        '-  name     = "${local.prefix}-${each.key}-tg"\n'
        '+  name     = trimsuffix(substr("${local.prefix}-${each.key}-tg", 0, 32), "-")\n'
        "   port     = each.value\n"
    )


def test_counted_cache_cluster_ids_with_upper_case_are_lowered():
    findings = scan_fixture("TAP212/cache_cluster_count", "TAP212")
    assert where(findings) == [("TAP212", "main.tf", 9, "aws_elasticache_cluster.cache")]
    assert findings[0].message == (
        'cluster_id of aws_elasticache_cluster.cache[0] evaluates to "Checkout-cache-01": contains '
        "upper-case letters (only lowercase letters, digits and hyphens are allowed). "
        'cluster_id of aws_elasticache_cluster.cache[1] evaluates to "Checkout-cache-02": contains '
        "upper-case letters (only lowercase letters, digits and hyphens are allowed). "
        "Renaming replaces the cache cluster (ForceNew); "
        'the fix makes it "checkout-cache-01", "checkout-cache-02".'
    )
    assert '+  cluster_id      = lower(format("%s-cache-%02d", var.team, count.index + 1))' in fix_diff(
        "TAP212/cache_cluster_count", "TAP212"
    )


def test_literal_bucket_name_is_replaced_by_the_valid_literal():
    findings = scan_fixture("TAP212/bucket_literal", "TAP212")
    assert where(findings) == [("TAP212", "main.tf", 2, "aws_s3_bucket.archive")]
    assert "Renaming replaces the bucket (ForceNew)" in findings[0].message
    assert fix_diff("TAP212/bucket_literal", "TAP212") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -1,3 +1,3 @@\n"
        ' resource "aws_s3_bucket" "archive" {\n'
        '-  bucket = "ACME-Finance-Archive"\n'
        '+  bucket = "acme-finance-archive"\n'
        " \n"
    )


def test_reserved_load_balancer_prefix_is_reported_without_a_fix():
    findings = scan_fixture("TAP212/lb_name_reserved", "TAP212")
    assert where(findings) == [("TAP212", "main.tf", 11, "aws_lb.api")]
    assert findings[0].fix is None
    assert findings[0].message == (
        'name of aws_lb.api evaluates to "internal-api": starts with the reserved "internal-". '
        "No fix: shortening or lowering it cannot make it valid; it needs a new name. "
        "Renaming replaces the load balancer (ForceNew)."
    )
    assert fixed_files("TAP212/lb_name_reserved", "TAP212") == {}


def test_shortened_name_that_would_collide_with_another_group_is_not_offered():
    findings = scan_fixture("TAP212/replication_groups_collide", "TAP212")
    assert where(findings) == [
        ("TAP212", "main.tf", 7, "aws_elasticache_replication_group.primary"),
        ("TAP212", "main.tf", 14, "aws_elasticache_replication_group.replica"),
    ]
    assert findings[0].message.endswith('the fix makes it "storefront-checkout-production-sessions".')
    assert findings[1].fix is None
    assert (
        "No fix: shortening it would give it the same name as aws_elasticache_replication_group.primary."
        in findings[1].message
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_unknown_values",  # a data source and a variable without default: never guessed
        "ok_module_call",  # long names passed to a module are not resource arguments
        "ok_valid_names",  # 40-character upper-case group ID, name_prefix, dotted bucket, 36-char DB
        "ok_for_each_unknown",  # for_each over a variable without default
    ],
)
def test_no_finding_when_names_are_valid_or_unknowable(case):
    assert scan_fixture(f"TAP212/{case}", "TAP212") == []
