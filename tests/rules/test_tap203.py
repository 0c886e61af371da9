"""TAP203 s3-lifecycle-no-transition: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where


def test_a_year_of_retention_gets_ia_then_glacier_ir_above_the_commented_expiration():
    findings = scan_fixture("TAP203/expiration_365_split_files", "TAP203")
    assert where(findings) == [("TAP203", "lifecycle.tf", 13, "aws_s3_bucket_lifecycle_configuration.audit")]
    assert findings[0].message == (
        'rule "expire-exports" of aws_s3_bucket_lifecycle_configuration.audit expires objects after 365 days '
        "(expiration.days) but never transitions them: they stay in S3 Standard for all 365 days; "
        "moving them to STANDARD_IA on day 30 and GLACIER_IR on day 90 costs less"
    )
    assert findings[0].fix.applicability == "safe"
    assert (
        fixed_files("TAP203/expiration_365_split_files", "TAP203")["lifecycle.tf"]
        == """\
resource "aws_s3_bucket_lifecycle_configuration" "audit" {
  bucket = aws_s3_bucket.audit.id

  rule {
    id     = "expire-exports"
    status = "Enabled"

    filter {
      prefix = "exports/"
    }

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    transition {
      days          = 90
      storage_class = "GLACIER_IR"
    }

    # Auditors may ask for a year of exports.
    expiration {
      days = 365
    }
  }
}
"""
    )


def test_ninety_days_from_a_variable_and_sixty_noncurrent_days_from_a_local_get_ia_only():
    findings = scan_fixture("TAP203/noncurrent_from_variables", "TAP203")
    resource = "aws_s3_bucket_lifecycle_configuration.reports"
    assert where(findings) == [("TAP203", "main.tf", 30, resource), ("TAP203", "main.tf", 33, resource)]
    assert "after 90 days (expiration.days = var.retention_days)" in findings[0].message
    assert "moving them to STANDARD_IA on day 30 costs less" in findings[0].message
    assert findings[1].message.startswith(
        'rule "reports" of aws_s3_bucket_lifecycle_configuration.reports expires noncurrent versions after 60 '
        "days (noncurrent_version_expiration.noncurrent_days = local.noncurrent_days)"
    )
    # The rule is written without blank lines between its blocks, and so are the new ones.
    assert """\
  rule {
    id     = "reports"
    status = "Enabled"
    filter {}
    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
    expiration {
      days = var.retention_days
    }
    noncurrent_version_transition {
      noncurrent_days = 30
      storage_class   = "STANDARD_IA"
    }
    noncurrent_version_expiration {
      noncurrent_days = local.noncurrent_days
    }
  }
""" in fixed_files("TAP203/noncurrent_from_variables", "TAP203")["main.tf"]


def test_legacy_inline_lifecycle_rule_of_a_bucket_gets_transitions_too():
    findings = scan_fixture("TAP203/legacy_lifecycle_rule", "TAP203")
    assert where(findings) == [("TAP203", "main.tf", 9, "aws_s3_bucket.backups")]
    assert (
        'rule "expire-backups" of aws_s3_bucket.backups expires objects after 180 days' in findings[0].message
    )
    text = fixed_files("TAP203/legacy_lifecycle_rule", "TAP203")["main.tf"]
    assert (
        """\
    prefix  = "nightly/"

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    transition {
      days          = 90
      storage_class = "GLACIER_IR"
    }

    expiration {
      days = 180
    }
"""
        in text
    )


def test_for_each_retention_uses_the_shortest_instance_so_the_literal_days_suit_every_bucket():
    findings = scan_fixture("TAP203/for_each_retention", "TAP203")
    assert where(findings) == [("TAP203", "main.tf", 28, "aws_s3_bucket_lifecycle_configuration.logs")]
    # access keeps 400 days, debug 200: both keep Glacier IR for its 90-day minimum.
    assert "after 200 days (expiration.days = each.value)" in findings[0].message
    assert '+      storage_class = "GLACIER_IR"\n' in fix_diff("TAP203/for_each_retention", "TAP203")


def test_infrequent_access_before_day_30_is_moved_to_day_30():
    findings = scan_fixture("TAP203/early_ia_transition", "TAP203")
    assert where(findings) == [("TAP203", "main.tf", 17, "aws_s3_bucket_lifecycle_configuration.media")]
    assert findings[0].message == (
        'rule "cool-down" of aws_s3_bucket_lifecycle_configuration.media moves objects to STANDARD_IA after 7 '
        "days (transition.days); AWS rejects fewer than 30 days at apply time"
    )
    assert (
        fix_diff("TAP203/early_ia_transition", "TAP203")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -16,3 +16,3 @@
     transition {
-      days          = 7
+      days          = 30
       storage_class = "STANDARD_IA"
"""
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_has_transition",  # already moves objects to STANDARD_IA
        "ok_short_expiration",  # 45 days: no class would be held for its minimum billed duration
        "ok_disabled_rule",  # status = "Disabled"
        "ok_unknown_days",  # expiration from a variable without default
        "ok_dynamic_transition",  # transitions generated by a dynamic block
        "ok_module_call",  # expiration_days passed to a module is not a lifecycle rule
    ],
)
def test_no_finding_when_transitions_exist_would_not_pay_off_or_are_unknowable(case):
    assert scan_fixture(f"TAP203/{case}", "TAP203") == []
