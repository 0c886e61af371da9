"""TAP501 availability-zones-hardcoded: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where

DATA_SOURCE = """\
+data "aws_availability_zones" "available" {
+  state = "available"
+
+  filter {
+    name   = "opt-in-status"
+    values = ["opt-in-not-required"]
+  }
+}
+
"""


def test_a_local_list_of_zones_becomes_a_slice_of_the_data_source_declared_above_it():
    findings = scan_fixture("TAP501/locals_list", "TAP501")
    assert where(findings) == [("TAP501", "main.tf", 2, "local.azs")]
    assert findings[0].message == (
        'local.azs hard-codes availability zones ["us-east-1a", "us-east-1b"]: the module only works '
        "in us-east-1, and zone names map to different physical zones in every account; if the zones "
        "the data source returns differ from these, aws_subnet.private will be replaced"
    )
    assert findings[0].fix.applicability == "unsafe"
    assert fix_diff("TAP501/locals_list", "TAP501") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -1,3 +1,12 @@\n"
        + DATA_SOURCE
        + """\
 locals {
-  azs = ["us-east-1a", "us-east-1b"]
+  azs = slice(data.aws_availability_zones.available.names, 0, 2)
 }
"""
    )


def test_single_zones_in_two_files_index_one_shared_data_source_by_their_letter():
    findings = scan_fixture("TAP501/direct_arguments_split_files", "TAP501")
    assert where(findings) == [
        ("TAP501", "network.tf", 14, "aws_subnet.a"),
        ("TAP501", "network.tf", 20, "aws_subnet.b"),
        ("TAP501", "storage.tf", 3, "aws_ebs_volume.scratch"),
    ]
    assert findings[1].message.startswith("aws_subnet.b hard-codes availability zone eu-west-1b:")
    fixed = fixed_files("TAP501/direct_arguments_split_files", "TAP501")
    assert fixed["network.tf"].count('data "aws_availability_zones"') == 1
    assert "  availability_zone = data.aws_availability_zones.available.names[1]\n" in fixed["network.tf"]
    assert "  availability_zone = data.aws_availability_zones.available.names[0]\n" in fixed["storage.tf"]


def test_zones_that_skip_a_letter_are_indexed_one_by_one_inside_the_toset():
    findings = scan_fixture("TAP501/module_argument_not_consecutive", "TAP501")
    assert where(findings) == [("TAP501", "main.tf", 3, "module.network")]
    assert "resources of module.network placed in them will be replaced" in findings[0].message
    assert (
        "+  azs    = toset([data.aws_availability_zones.available.names[0], "
        "data.aws_availability_zones.available.names[2]])\n"
    ) in fix_diff("TAP501/module_argument_not_consecutive", "TAP501")


def test_a_variable_default_is_reported_without_a_fix():
    # A variable's default cannot read a data source; the zones belong to the caller.
    findings = scan_fixture("TAP501/variable_default", "TAP501")
    assert where(findings) == [("TAP501", "variables.tf", 4, "var.azs")]
    assert findings[0].fix is None
    assert findings[0].message.endswith(
        "; pass the zones from the caller, or look them up with data.aws_availability_zones"
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_data_source",  # zones come from aws_availability_zones
        "ok_local_zone",  # a Local Zone literal is a deliberate choice
        "ok_zone_from_region_variable",  # "${var.region}a" is built, not a literal zone
        "ok_zones_from_tfvars",  # per-environment zones in terraform.tfvars are configuration
    ],
)
def test_no_finding_without_a_literal_zone_in_the_module(case):
    assert scan_fixture(f"TAP501/{case}", "TAP501") == []
