"""TAP201 s3-versioning-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where


def test_bucket_without_versioning_gets_a_versioning_resource_after_it():
    findings = scan_fixture("TAP201/plain", "TAP201")
    assert where(findings) == [("TAP201", "main.tf", 1, "aws_s3_bucket.logs")]
    assert findings[0].message == (
        "aws_s3_bucket.logs has no versioning: overwritten or deleted objects cannot be recovered"
    )
    assert findings[0].fix.applicability == "safe"
    assert (
        fix_diff("TAP201/plain", "TAP201")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -7 +7,9 @@
 }
+
+resource "aws_s3_bucket_versioning" "logs" {
+  bucket = aws_s3_bucket.logs.id
+
+  versioning_configuration {
+    status = "Enabled"
+  }
+}
"""
    )


def test_counted_bucket_gets_versioning_with_the_same_count():
    findings = scan_fixture("TAP201/count", "TAP201")
    assert where(findings) == [("TAP201", "main.tf", 6, "aws_s3_bucket.replica")]
    assert """\
+resource "aws_s3_bucket_versioning" "replica" {
+  count  = length(var.regions)
+  bucket = aws_s3_bucket.replica[count.index].id
""" in fix_diff("TAP201/count", "TAP201")


def test_for_each_bucket_gets_versioning_per_instance():
    assert """\
+resource "aws_s3_bucket_versioning" "team" {
+  for_each = toset(["payments", "search"])
+  bucket   = aws_s3_bucket.team[each.key].id
""" in fix_diff("TAP201/for_each", "TAP201")


def test_for_each_with_heredoc_text_is_reported_without_a_fix():
    # The heredoc's lines sit at column 0: copied into a new resource they would be re-indented,
    # which changes the keys, and aws_s3_bucket.team[each.key] would then name no bucket.
    findings = scan_fixture("TAP201/for_each_heredoc", "TAP201")
    assert where(findings) == [("TAP201", "main.tf", 1, "aws_s3_bucket.team")]
    assert findings[0].fix is None


def test_suspended_status_from_a_local_in_another_file_is_set_to_enabled():
    findings = scan_fixture("TAP201/suspended_split_files", "TAP201")
    assert where(findings) == [("TAP201", "versioning.tf", 8, "aws_s3_bucket.assets")]
    assert "versioning Suspended in aws_s3_bucket_versioning.assets" in findings[0].message
    assert (
        fix_diff("TAP201/suspended_split_files", "TAP201")
        == """\
--- a/versioning.tf
+++ b/versioning.tf
@@ -7,3 +7,3 @@
   versioning_configuration {
-    status = local.versioning_status
+    status = "Enabled"
   }
"""
    )


def test_disabled_inline_versioning_is_replaced_not_duplicated():
    findings = scan_fixture("TAP201/inline_disabled", "TAP201")
    assert where(findings) == [("TAP201", "main.tf", 2, "aws_s3_bucket.legacy")]
    assert fixed_files("TAP201/inline_disabled", "TAP201") == {
        "main.tf": """\
# Legacy inline versioning, switched off.
resource "aws_s3_bucket" "legacy" {
  bucket = "acme-legacy"
}

resource "aws_s3_bucket_versioning" "legacy" {
  bucket = aws_s3_bucket.legacy.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
    }


@pytest.mark.parametrize(
    "case",
    [
        "ok_enabled_split_files",  # the versioning resource lives in another file
        "ok_inline_enabled",  # legacy inline block, enabled through a variable default
        "ok_via_local",  # the bucket reaches the versioning resource through a local
        "ok_unknown_status",  # status from a variable without default: unknown, never reported
        "ok_module_call",  # the bucket is handed to a module that may manage it
        "ok_count_instances",  # per-instance versioning with count.index
    ],
)
def test_no_finding_when_versioning_is_enabled_or_unknowable(case):
    assert scan_fixture(f"TAP201/{case}", "TAP201") == []


def test_versioning_behind_a_map_input_of_a_module_others_call_is_their_choice_not_a_finding():
    # terraform-aws-s3-bucket: count = create && length(keys(var.versioning)) > 0 && !directory
    assert scan_fixture("TAP201/ok_versioning_behind_map_in_reusable_module", "TAP201") == []


def test_versioning_switched_off_by_a_map_default_in_a_configuration_applied_as_is_names_the_input_without_a_duplicate():
    findings = scan_fixture("TAP201/versioning_map_off_in_root", "TAP201")
    assert where(findings) == [("TAP201", "main.tf", 14, "aws_s3_bucket.this")]
    assert findings[0].message == (
        "aws_s3_bucket.this has aws_s3_bucket_versioning.this, but it is off by default: set `versioning`; "
        "until then overwritten or deleted objects cannot be recovered"
    )
    # What to put in the map is the module's own business: no fix, and never a second versioning resource.
    assert findings[0].fix is None


def test_versioning_behind_a_bool_flag_off_by_default_is_turned_on_by_its_default():
    findings = scan_fixture("TAP201/versioning_flag_off_in_root", "TAP201")
    assert where(findings) == [("TAP201", "main.tf", 8, "aws_s3_bucket.exports")]
    assert findings[0].fix.applicability == "unsafe"
    assert fix_diff("TAP201/versioning_flag_off_in_root", "TAP201") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -7,3 +7,3 @@\n   type        = bool\n"
        "-  default     = false\n+  default     = true\n }\n"
    )
