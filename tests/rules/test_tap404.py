"""TAP404 deletion-protection-hardcoded: exact findings and exact fixes."""

import pytest

from fixers.config import Config
from fixers.engine import fix_module, load
from fixers.terraform_check import problems
from fixers.workspace import ModuleInput
from tests.rules.harness import fix_diff, load_fixture, scan_fixture, where


def test_literal_goes_to_a_bool_variable_in_the_variables_file_with_the_literal_as_default():
    findings = scan_fixture("TAP404/rds_with_variables_file", "TAP404")
    assert where(findings) == [("TAP404", "rds.tf", 10, "aws_db_instance.main")]
    assert findings[0].message == (
        "aws_db_instance.main hard-codes deletion_protection = true: protection is on in every "
        "environment, and changing it for one means editing the module"
    )
    assert findings[0].fix.applicability == "safe"
    assert (
        fix_diff("TAP404/rds_with_variables_file", "TAP404")
        == """\
--- a/rds.tf
+++ b/rds.tf
@@ -9,3 +9,3 @@
   skip_final_snapshot         = true
-  deletion_protection         = true
+  deletion_protection         = var.deletion_protection
 }
--- a/variables.tf
+++ b/variables.tf
@@ -5 +5,7 @@
 }
+
+variable "deletion_protection" {
+  description = "Protect aws_db_instance.main from deletion. Turn off only for disposable environments."
+  type        = bool
+  default     = true
+}
"""
    )


def test_two_literals_get_one_variable_each_named_after_the_resource_next_to_it():
    findings = scan_fixture("TAP404/lb_and_db_without_variables_file", "TAP404")
    assert where(findings) == [
        ("TAP404", "main.tf", 10, "aws_lb.app"),
        ("TAP404", "main.tf", 22, "aws_db_instance.main"),
    ]
    assert "enable_deletion_protection = false: protection is off in every environment" in findings[0].message
    assert (
        fix_diff("TAP404/lb_and_db_without_variables_file", "TAP404")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -3,2 +3,8 @@
   type        = list(string)
+}
+
+variable "app_deletion_protection" {
+  description = "Protect aws_lb.app from deletion. Turn on for production."
+  type        = bool
+  default     = false
 }
@@ -9,3 +15,9 @@
   subnets                    = var.public_subnet_ids
-  enable_deletion_protection = false
+  enable_deletion_protection = var.app_deletion_protection
+}
+
+variable "main_deletion_protection" {
+  description = "Protect aws_db_instance.main from deletion. Turn off only for disposable environments."
+  type        = bool
+  default     = true
 }
@@ -21,3 +33,3 @@
   skip_final_snapshot         = true
-  deletion_protection         = true
+  deletion_protection         = var.main_deletion_protection
 }
"""
    )


def test_dynamodb_form_with_count_gets_one_variable_above_the_commented_table():
    findings = scan_fixture("TAP404/dynamodb_count", "TAP404")
    assert where(findings) == [("TAP404", "main.tf", 12, "aws_dynamodb_table.documents")]
    assert (
        fix_diff("TAP404/dynamodb_count", "TAP404")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -2,2 +2,8 @@
   tables = ["orders", "invoices"]
+}
+
+variable "deletion_protection" {
+  description = "Protect aws_dynamodb_table.documents from deletion. Turn off only for disposable environments."
+  type        = bool
+  default     = true
 }
@@ -11,3 +17,3 @@
   hash_key                    = "id"
-  deletion_protection_enabled = true
+  deletion_protection_enabled = var.deletion_protection
"""
        + " \n"  # the blank context line of the diff
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_from_variable",  # already an input
        "ok_expression",  # derived from the environment, not a literal
        "ok_module_call",  # a literal passed to a module is the caller's per-environment choice
        "ok_cognito_string_setting",  # Cognito's deletion_protection is "ACTIVE"/"INACTIVE", not a bool
    ],
)
def test_no_finding_without_a_bool_literal_on_a_resource(case):
    assert scan_fixture(f"TAP404/{case}", "TAP404") == []


def test_two_resources_of_one_name_get_distinct_variables_and_both_fixes_apply_together_validly():
    # aws_lb.main and aws_db_instance.main: each fix alone would declare var.main_deletion_protection,
    # and `tapfix fix` applies both in one pass. The second is named after its type as well.
    findings = scan_fixture("TAP404/lb_and_db_sharing_a_name", "TAP404")
    assert [(f.resource, f.fix.description, f.fix_rejected) for f in findings] == [
        (
            "aws_db_instance.main",
            "Drive deletion_protection from var.main_deletion_protection (default true)",
            None,
        ),
        (
            "aws_lb.main",
            "Drive enable_deletion_protection from var.lb_main_deletion_protection (default true)",
            None,
        ),
    ]
    outcome = fix_module(load_fixture("TAP404/lb_and_db_sharing_a_name"), Config(), rule_ids={"TAP404"})
    assert sorted(f.resource for f in outcome.applied) == ["aws_db_instance.main", "aws_lb.main"]
    assert outcome.skipped == []
    fixed = ModuleInput(path=".", files={p: t.encode() for p, t in outcome.texts.items()})
    assert problems(load(fixed).module) == {}
    # (terraform validate agrees: tests/test_fixes_reference.py validates every fixed fixture.)


def test_the_same_variable_declared_by_two_fixes_is_what_terraform_rejects_and_the_check_reports():
    both = {
        "db.tf": 'variable "main_deletion_protection" {\n  type = bool\n}\n',
        "lb.tf": 'variable "main_deletion_protection" {\n  type = bool\n}\n',
    }
    found = problems(load(ModuleInput(path=".", files={p: t.encode() for p, t in both.items()})).module)
    assert list(found.values()) == [
        "Duplicate variable: main_deletion_protection is declared at db.tf:1 and again at lb.tf:1"
    ]
