"""TAP506 cost-tags-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import every_rule, fix_diff, scan_fixture, where

REQUIRED = "(required: Environment, Owner, Project, CostCenter)"
# The tag policy of a .tapfix.yml that states `required-tags`, every rule selected.
POLICY = every_rule().with_overrides(required_tags=["Environment", "Owner", "Project", "CostCenter"])


def test_missing_key_goes_into_default_tags_from_a_new_variable_without_default():
    findings = scan_fixture("TAP506/missing_cost_center", "TAP506", config=POLICY)
    # One finding per provider configuration, on its default_tags, whatever resources exist.
    assert where(findings) == [("TAP506", "providers.tf", 4, "provider.aws")]
    assert findings[0].key == ""
    assert findings[0].message == (
        f'provider "aws" has no CostCenter in default_tags {REQUIRED}: 1 of 2 taggable resources using '
        "it do not set it either, and resources added later get none"
    )
    # A value nobody can guess: plans ask for it rather than tagging with a placeholder.
    assert findings[0].fix.applicability == "unsafe"
    assert (
        fix_diff("TAP506/missing_cost_center", "TAP506", config=POLICY)
        == """\
--- a/providers.tf
+++ b/providers.tf
@@ -8,2 +8,3 @@
       Project     = "storefront-checkout"
+      CostCenter  = var.cost_center
     }
--- a/variables.tf
+++ b/variables.tf
@@ -5 +5,6 @@
 }
+
+variable "cost_center" {
+  description = "The CostCenter tag of every resource this configuration creates (provider default_tags)."
+  type        = string
+}
"""
    )


def test_provider_without_default_tags_gets_the_block_from_variables_the_module_has():
    findings = scan_fixture("TAP506/no_default_tags_reuses_variables", "TAP506", config=POLICY)
    assert where(findings) == [("TAP506", "main.tf", 25, "provider.aws")]
    assert findings[0].fix.applicability == "safe"
    assert (
        fix_diff("TAP506/no_default_tags_reuses_variables", "TAP506", config=POLICY)
        == """\
--- a/main.tf
+++ b/main.tf
@@ -26,2 +26,11 @@
   region = "eu-west-1"
+
+  default_tags {
+    tags = {
+      Environment = var.env
+      Owner       = var.team
+      Project     = var.project
+      CostCenter  = var.cost_center
+    }
+  }
 }
"""
    )


def test_aliased_provider_is_its_own_finding_and_a_local_map_is_merged_not_edited():
    findings = scan_fixture("TAP506/aliased_provider_with_local_tags", "TAP506", config=POLICY)
    assert where(findings) == [("TAP506", "providers.tf", 26, "provider.aws")]
    assert findings[0].key == "us_east_1"
    assert findings[0].message.startswith(
        f'provider "aws" (alias us_east_1) has no Owner, CostCenter in default_tags {REQUIRED}: '
        "1 of 1 taggable resources using it"
    )
    assert """\
-    tags = local.partial_tags
+    tags = merge(local.partial_tags, {
+      Owner      = var.owner
+      CostCenter = var.cost_center
+    })
""" in fix_diff("TAP506/aliased_provider_with_local_tags", "TAP506", config=POLICY)


def test_a_key_present_in_another_case_is_reported_without_a_fix():
    findings = scan_fixture("TAP506/case_variant_key", "TAP506", config=POLICY)
    assert where(findings) == [("TAP506", "main.tf", 4, "provider.aws")]
    assert findings[0].fix is None
    assert findings[0].message.endswith(
        "(it has environment, not Environment: tag keys are case-sensitive in cost reports)"
    )


def test_required_keys_come_from_the_config():
    config = every_rule().with_overrides(required_tags=["Environment", "DataClassification"])
    findings = scan_fixture("TAP506/missing_cost_center", "TAP506", config=config)
    assert findings[0].message.startswith(
        'provider "aws" has no DataClassification in default_tags (required: Environment, DataClassification)'
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_complete",
        "ok_child_module_without_provider",  # tags come from the caller's provider, out of sight
        "ok_tags_from_variable_without_default",  # keys unknowable
        "ok_merge_of_known_maps",  # keys known through merge() of a variable default and a literal
    ],
)
def test_no_finding_when_default_tags_carry_every_key_or_cannot_be_read(case):
    assert scan_fixture(f"TAP506/{case}", "TAP506", config=POLICY) == []


def test_without_a_tag_policy_a_key_most_resources_set_themselves_is_required():
    findings = scan_fixture("TAP506/convention_owner_forgotten", "TAP506")
    assert where(findings) == [("TAP506", "main.tf", 4, "provider.aws")]
    assert findings[0].message == (
        'provider "aws" has no Owner in default_tags (the module\'s own convention: 2 of 3 resources set '
        "Owner themselves): 1 of 3 taggable resources using it do not set it either, and resources added "
        "later get none"
    )
    # The module already holds the value: the fix reuses it, and nothing needs asking.
    assert findings[0].fix.applicability == "safe"
    assert "+      Owner   = var.owner\n" in fix_diff("TAP506/convention_owner_forgotten", "TAP506")


@pytest.mark.parametrize(
    "case",
    [
        "missing_cost_center",  # CostCenter is nowhere in the module: only a tag policy can require it
        "ok_example_root_of_module_calls",  # 0 taggable resources of its own, an unused provider alias
    ],
)
def test_without_a_tag_policy_no_finding_where_the_module_shows_no_convention(case):
    assert scan_fixture(f"TAP506/{case}", "TAP506") == []


def test_with_a_tag_policy_a_provider_serving_only_module_calls_says_so_and_an_unused_alias_is_quiet():
    findings = scan_fixture("TAP506/ok_example_root_of_module_calls", "TAP506", config=POLICY)
    assert where(findings) == [("TAP506", "main.tf", 3, "provider.aws")]
    assert findings[0].message == (
        'provider "aws" has no Environment, Owner, Project, CostCenter in default_tags '
        f"{REQUIRED}: it serves the resources of 1 module call (module.bucket), which get none"
    )
