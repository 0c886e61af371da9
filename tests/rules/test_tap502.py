"""TAP502 version-constraints-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, scan_fixture, where

UNPINNED = ", so `terraform init` takes whatever Terraform and aws provider versions happen to be installed"
BLOCK = """\
+terraform {
+  required_version = ">= 1.5.7"
+
+  required_providers {
+    aws = {
+      source  = "hashicorp/aws"
+      version = ">= 5.0, < 7.0"
+    }
+  }
+}
+
"""


def test_module_without_terraform_block_gets_one_at_the_top_of_its_provider_file():
    findings = scan_fixture("TAP502/no_terraform_block", "TAP502")
    assert where(findings) == [("TAP502", "providers.tf", 1, "terraform")]
    assert findings[0].message == (
        "The module has no terraform block: no required_version and no required_providers" + UNPINNED
    )
    assert findings[0].fix.applicability == "safe"
    assert fix_diff("TAP502/no_terraform_block", "TAP502") == (
        "--- a/providers.tf\n+++ b/providers.tf\n@@ -1 +1,12 @@\n" + BLOCK + " # Region of the whole stack.\n"
    )


def test_backend_only_block_gets_the_constraints_above_its_backend():
    findings = scan_fixture("TAP502/backend_only", "TAP502")
    assert where(findings) == [("TAP502", "main.tf", 1, "terraform")]
    assert findings[0].message == (
        "The terraform block (main.tf:1) has no required_version and no required_providers" + UNPINNED
    )
    assert (
        fix_diff("TAP502/backend_only", "TAP502")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -1,2 +1,11 @@
 terraform {
+  required_version = ">= 1.5.7"
+
+  required_providers {
+    aws = {
+      source  = "hashicorp/aws"
+      version = ">= 5.0, < 7.0"
+    }
+  }
+
   backend "s3" {
"""
    )


def test_provider_entry_without_version_gets_one_aligned_with_its_source():
    findings = scan_fixture("TAP502/provider_entry_without_version", "TAP502")
    assert where(findings) == [("TAP502", "versions.tf", 1, "terraform")]
    assert (
        findings[0].message
        == "The terraform block (versions.tf:1) has no version constraint for aws" + UNPINNED
    )
    assert (
        fix_diff("TAP502/provider_entry_without_version", "TAP502")
        == """\
--- a/versions.tf
+++ b/versions.tf
@@ -5,3 +5,4 @@
     aws = {
-      source = "hashicorp/aws"
+      source  = "hashicorp/aws"
+      version = ">= 5.0, < 7.0"
     }
"""
    )


def test_a_used_provider_missing_from_required_providers_is_added():
    findings = scan_fixture("TAP502/random_used_but_not_declared", "TAP502")
    assert where(findings) == [("TAP502", "versions.tf", 1, "terraform")]
    assert "has no version constraint for random" in findings[0].message
    assert (
        fix_diff("TAP502/random_used_but_not_declared", "TAP502")
        == """\
--- a/versions.tf
+++ b/versions.tf
@@ -8,2 +8,6 @@
     }
+    random = {
+      source  = "hashicorp/random"
+      version = ">= 3.0"
+    }
   }
"""
    )


def test_required_version_admits_the_features_the_module_uses():
    findings = scan_fixture("TAP502/write_only_argument_needs_terraform_1_11", "TAP502")
    assert findings[0].fix.description == "Declare required_version >= 1.11.0, aws >= 5.0, < 7.0"
    assert '+  required_version = ">= 1.11.0"\n' in fix_diff(
        "TAP502/write_only_argument_needs_terraform_1_11", "TAP502"
    )


def test_a_suppression_anywhere_in_the_module_silences_the_module_level_finding():
    findings = scan_fixture("TAP502/suppressed_in_any_file", "TAP502")
    assert where(findings) == [("TAP502", "main.tf", 1, "terraform")]
    assert findings[0].suppressed
    assert (
        findings[0].suppression_reason
        == "versions are pinned by the Terragrunt root that includes this module"
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_constraints_split_over_two_blocks",  # required_version and required_providers in two files
        "ok_only_module_calls",  # a module that uses no provider itself needs no required_providers
        "ok_aws_and_random_declared",  # every provider used is declared with a version
    ],
)
def test_no_finding_when_every_constraint_is_declared(case):
    assert scan_fixture(f"TAP502/{case}", "TAP502") == []


def test_code_with_quoted_types_gets_no_terraform_floor_that_would_reject_it():
    (finding,) = scan_fixture("TAP502/quoted_types_no_fix", "TAP502")
    assert finding.message.endswith(
        '; no fix: var.bucket_name has a quoted type ("string"), which Terraform rejects since 0.15: '
        "pinning a current Terraform would refuse the code as written"
    )
    assert finding.fix is None


def test_code_written_for_another_aws_major_gets_no_aws_constraint_that_would_reject_it():
    (finding,) = scan_fixture("TAP502/aws_v4_argument_no_fix", "TAP502")
    assert "; no fix: the code does not fit the AWS provider >= 5.0, < 7.0 (" in finding.message
    assert "unsupported argument 'name'" in finding.message
    assert finding.fix is None


def test_a_comment_inside_a_provider_entry_stays_and_ends_the_run_terraform_fmt_aligns():
    # A comment line has no "=": pairing names with lines used to fall out of step and crash.
    findings = scan_fixture("TAP502/provider_entry_with_comment", "TAP502")
    assert where(findings) == [("TAP502", "versions.tf", 1, "terraform")]
    assert (
        fix_diff("TAP502/provider_entry_with_comment", "TAP502")
        == """\
--- a/versions.tf
+++ b/versions.tf
@@ -8,2 +8,3 @@
       // kept on its own line
+      version = ">= 5.0, < 7.0"
     }
"""
    )
