"""TAP202 s3-public-access-block-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where


def test_bucket_without_a_block_gets_one_with_all_four_flags_right_after_it():
    findings = scan_fixture("TAP202/missing", "TAP202")
    assert where(findings) == [("TAP202", "main.tf", 7, "aws_s3_bucket.artifacts")]
    assert findings[0].message == (
        "aws_s3_bucket.artifacts has no aws_s3_bucket_public_access_block: nothing stops a public ACL "
        "or bucket policy from exposing its objects"
    )
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP202/missing", "TAP202") == {
        "main.tf": """\
variable "environment" {
  type    = string
  default = "staging"
}

# Build artifacts published by CI.
resource "aws_s3_bucket" "artifacts" {
  bucket = "acme-${var.environment}-artifacts"

  tags = {
    Purpose = "ci-artifacts"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
    }


def test_counted_bucket_gets_a_block_per_instance():
    findings = scan_fixture("TAP202/count", "TAP202")
    assert where(findings) == [("TAP202", "main.tf", 7, "aws_s3_bucket.replica")]
    assert """\
+resource "aws_s3_bucket_public_access_block" "replica" {
+  count                   = length(var.replica_regions)
+  bucket                  = aws_s3_bucket.replica[count.index].id
+  block_public_acls       = true
""" in fix_diff("TAP202/count", "TAP202")


def test_for_each_bucket_gets_a_block_per_instance():
    assert where(scan_fixture("TAP202/for_each", "TAP202")) == [
        ("TAP202", "main.tf", 6, "aws_s3_bucket.team")
    ]
    assert """\
+resource "aws_s3_bucket_public_access_block" "team" {
+  for_each                = var.teams
+  bucket                  = aws_s3_bucket.team[each.key].id
""" in fix_diff("TAP202/for_each", "TAP202")


def test_flag_switched_off_through_a_local_and_a_missing_flag_are_set_in_the_existing_block():
    findings = scan_fixture("TAP202/partial_split_files", "TAP202")
    # Points at the flag that is off; the finding belongs to the bucket.
    assert where(findings) == [("TAP202", "access.tf", 10, "aws_s3_bucket.reports")]
    assert findings[0].message == (
        "aws_s3_bucket_public_access_block.reports leaves block_public_policy = false, "
        "restrict_public_buckets unset for aws_s3_bucket.reports: a public ACL or bucket policy "
        "could expose its objects"
    )
    assert fixed_files("TAP202/partial_split_files", "TAP202") == {
        "access.tf": """\
locals {
  # Reports used to be shared through a public bucket policy.
  allow_public_policies = true
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket = aws_s3_bucket.reports.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""
    }


@pytest.mark.parametrize(
    "case",
    [
        "ok_all_true_split_files",  # matched by the bucket's literal name, flags through a variable
        "ok_account_level",  # aws_s3_account_public_access_block covers every bucket
        "ok_unknown_flag",  # a flag from a variable without default: unknown, never reported
        "ok_module_call",  # the bucket is handed to a module that adds the block
        "ok_for_each_blocks",  # one block per bucket instance through each.value.id
        "ok_public_website",  # a website bucket that switches the guard off on purpose
    ],
)
def test_no_finding_when_public_access_is_blocked_or_unknowable(case):
    assert scan_fixture(f"TAP202/{case}", "TAP202") == []


def test_public_access_block_behind_a_bool_flag_off_by_default_is_turned_on_by_its_default():
    findings = scan_fixture("TAP202/public_access_block_flag_off_in_root", "TAP202")
    assert where(findings) == [("TAP202", "main.tf", 8, "aws_s3_bucket.reports")]
    assert findings[0].message.startswith(
        "aws_s3_bucket.reports has aws_s3_bucket_public_access_block.reports, but it is off by default: "
        "set `block_public_access`"
    )
    assert findings[0].fix.applicability == "unsafe"
    assert fix_diff("TAP202/public_access_block_flag_off_in_root", "TAP202") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -7,3 +7,3 @@\n   type        = bool\n"
        "-  default     = false\n+  default     = true\n }\n"
    )
