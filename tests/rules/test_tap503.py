"""TAP503 variable-validation-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, scan_fixture, where

CONSEQUENCE = (
    ": a bad value passes the module's checks and fails later, in an error that does not name the variable"
)
CIDR = " but has no validation, unlike var.admin_cidr (the module validates its CIDR variables)" + CONSEQUENCE


def test_cidr_variables_used_as_cidrs_where_the_module_validates_cidrs_get_a_validation_their_default_passes():
    """A name is no evidence: ipv6_cidr_block_network_border_group (a zone group) gets no finding."""
    findings = scan_fixture("TAP503/cidrs_split_files", "TAP503")
    assert where(findings) == [
        ("TAP503", "variables.tf", 1, "var.vpc_cidr"),
        ("TAP503", "variables.tf", 7, "var.office_ranges"),
        ("TAP503", "variables.tf", 13, "var.ipv6_cidr"),
    ]
    assert [f.message for f in findings] == [
        'var.vpc_cidr holds a CIDR block (used as cidr_block of aws_vpc.main, default "10.40.0.0/16")' + CIDR,
        "var.office_ranges holds a list of CIDR blocks (used as cidr_blocks of "
        "aws_security_group_rule.bastion_ssh)" + CIDR,
        "var.ipv6_cidr holds a CIDR block (used as ipv6_cidr_block of aws_subnet.dual_stack)" + CIDR,
    ]
    assert all(f.fix.applicability == "safe" for f in findings)
    assert (
        fix_diff("TAP503/cidrs_split_files", "TAP503")
        == """\
--- a/variables.tf
+++ b/variables.tf
@@ -4,2 +4,7 @@
   default     = "10.40.0.0/16"
+
+  validation {
+    condition     = can(cidrhost(var.vpc_cidr, 0))
+    error_message = "The vpc_cidr must be a CIDR block, such as 10.0.0.0/16."
+  }
 }
@@ -10,2 +15,7 @@
   default     = []
+
+  validation {
+    condition     = alltrue([for cidr in var.office_ranges : can(cidrhost(cidr, 0))])
+    error_message = "Every value of office_ranges must be a CIDR block, such as 10.0.0.0/16."
+  }
 }
@@ -16,2 +26,7 @@
   default     = null
+
+  validation {
+    condition     = var.ipv6_cidr == null ? true : can(cidrhost(var.ipv6_cidr, 0))
+    error_message = "The ipv6_cidr must be a CIDR block, such as 10.0.0.0/16."
+  }
 }
"""
    )


def test_instance_types_get_the_check_of_the_family_the_argument_they_feed_takes_where_the_module_validates_one():
    findings = scan_fixture("TAP503/instance_types", "TAP503")
    assert where(findings) == [
        ("TAP503", "main.tf", 1, "var.instance_type"),
        ("TAP503", "main.tf", 7, "var.db_size"),
        ("TAP503", "main.tf", 13, "var.cache_node"),
    ]
    assert findings[1].message == (
        'var.db_size holds an RDS instance class (used as instance_class of aws_db_instance.reports, default "db.t4g.medium")'
        " but has no validation, unlike var.bastion_type (the module validates its instance-type variables)"
        + CONSEQUENCE
    )
    diff = fix_diff("TAP503/instance_types", "TAP503")
    assert '+    condition     = can(regex("^[a-z][a-z0-9-]*\\\\.[a-z0-9]+$", var.instance_type))\n' in diff
    assert '+    condition     = startswith(var.db_size, "db.")\n' in diff
    assert '+    condition     = startswith(var.cache_node, "cache.")\n' in diff


def test_enumerations_come_from_map_keys_and_provider_value_sets_where_the_module_validates_one():
    findings = scan_fixture("TAP503/enumerations", "TAP503")
    assert where(findings) == [
        ("TAP503", "main.tf", 1, "var.size"),
        ("TAP503", "main.tf", 7, "var.storage_type"),
        ("TAP503", "main.tf", 13, "var.log_retention_days"),
    ]
    assert findings[0].message == (
        "var.size holds one of large, small (the key looked up in local.instance_types) but has no "
        "validation, unlike var.billing_mode (the module validates its enumerations)" + CONSEQUENCE
    )
    assert findings[2].message.startswith(
        "var.log_retention_days holds one of 0, 1, 3, ..., 3653 (23 values) (used as retention_in_days"
    )
    diff = fix_diff("TAP503/enumerations", "TAP503")
    assert '+    condition     = contains(["large", "small"], var.size)\n' in diff
    assert '+    error_message = "The size must be one of large or small."\n' in diff
    assert (
        '+    condition     = contains(["standard", "gp2", "gp3", "io1", "io2"], var.storage_type)\n' in diff
    )
    assert "+    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365," in diff


@pytest.mark.parametrize(
    "case",
    [
        "ok_validated",  # a validation block of the author's own, whatever it checks
        "ok_comparison_is_not_an_enumeration",  # `!= "production"` implies no complete set of values
        "ok_lookup_with_fallback",  # lookup() with a default accepts any key
        "ok_not_a_cidr",  # a number named *_cidr_newbits; an empty-string default a CIDR check would reject
        "ok_no_validation_convention",  # CIDRs, types and enumerations, none validated: not the module's way
    ],
)
def test_no_finding_without_evidence_with_a_validation_or_without_the_convention(case):
    assert scan_fixture(f"TAP503/{case}", "TAP503") == []


def _evidence(value: str) -> str | None:
    """What TAP503 makes of `var.env` when a resource's argument is `value`."""
    from fixers.hcl.source import decode
    from fixers.module import Module, parse_file
    from fixers.rules.tap503_variable_validation import classify

    source = (
        'variable "env" {\n  type = string\n}\n'
        "locals {\n  sizes = { dev = { cpu = 1 }, prod = { cpu = 4 } }\n}\n"
        f'resource "aws_ecs_task_definition" "t" {{\n  cpu = {value}\n}}\n'
    )
    module = Module.build(".", [parse_file(decode("main.tf", source.encode()))])
    found = classify(module, "env", module.variables["env"])
    return None if found is None else found[2]


@pytest.mark.parametrize(
    "value",
    [
        "local.sizes[var.env].cpu",
        "(local.sizes)[var.env].cpu",
        "lookup(local.sizes, var.env).cpu",
        '"${local.sizes[var.env].cpu}"',
        "max(1, local.sizes[var.env].cpu)",
    ],
)
def test_a_map_lookup_keyed_by_the_variable_anywhere_in_a_value_is_evidence_of_an_enumeration(value):
    assert _evidence(value) == "the key looked up in local.sizes"


@pytest.mark.parametrize(
    "value",
    [
        "try(local.sizes[var.env].cpu, 1)",  # a guarded lookup accepts any key
        "lookup(local.sizes, var.env, { cpu = 1 }).cpu",  # so does one with a default
        "local.sizes[var.other].cpu",
        "<<EOT\n${local.sizes[var.env].cpu}\nEOT\n",  # a heredoc is read as text
    ],
)
def test_a_guarded_lookup_a_lookup_of_another_key_or_one_in_a_heredoc_is_no_evidence(value):
    assert _evidence(value) is None
