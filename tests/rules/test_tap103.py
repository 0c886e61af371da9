"""TAP103 sg-ingress-world-admin-port: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, fixture_dir, scan_fixture, where


def original(case: str, path: str) -> str:
    return (fixture_dir(f"TAP103/{case}") / path).read_text()


def test_variable_whose_default_is_the_world_loses_the_default_and_gains_a_validation():
    findings = scan_fixture("TAP103/var_default_split_files", "TAP103")
    # Reported where the world CIDR enters the rule; the variable lives in another file.
    assert where(findings) == [("TAP103", "network.tf", 10, "aws_vpc_security_group_ingress_rule.app_ssh")]
    assert findings[0].message == (
        "aws_vpc_security_group_ingress_rule.app_ssh admits 0.0.0.0/0 (cidr_ipv4 = var.ssh_ingress_cidr) "
        "to SSH 22 on aws_security_group.app: anyone on the internet can reach it"
    )
    assert findings[0].fix.applicability == "unsafe"
    assert fixed_files("TAP103/var_default_split_files", "TAP103") == {
        "variables.tf": """\
variable "vpc_id" {
  description = "VPC of the app instances."
  type        = string
}

variable "ssh_ingress_cidr" {
  description = "CIDR allowed to SSH into the app instances."
  type        = string

  validation {
    condition     = can(cidrhost(var.ssh_ingress_cidr, 0)) && !contains(["0.0.0.0/0", "::/0"], var.ssh_ingress_cidr)
    error_message = "The ssh_ingress_cidr must be a CIDR block narrower than the whole internet (not 0.0.0.0/0 or ::/0)."
  }
}
"""
    }


def test_inline_literal_becomes_a_new_variable_in_the_variables_file_and_the_ipv6_twin_goes():
    findings = scan_fixture("TAP103/inline_literal_new_variable", "TAP103")
    assert where(findings) == [("TAP103", "main.tf", 11, "aws_security_group.bastion")]
    assert "admits 0.0.0.0/0 and ::/0 to SSH 22" in findings[0].message
    fixed = fixed_files("TAP103/inline_literal_new_variable", "TAP103")
    assert fixed["main.tf"] == original("inline_literal_new_variable", "main.tf").replace(
        """\
    description      = "SSH"
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
""",
        """\
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.bastion_ssh_cidr_blocks
""",
    )
    assert fixed["variables.tf"] == original("inline_literal_new_variable", "variables.tf") + (
        """
variable "bastion_ssh_cidr_blocks" {
  description = "IPv4 CIDR blocks allowed to reach SSH (22) on aws_security_group.bastion; never the whole internet."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.bastion_ssh_cidr_blocks : can(cidrhost(cidr, 0)) && !contains(["0.0.0.0/0", "::/0"], cidr)])
    error_message = "Every CIDR in bastion_ssh_cidr_blocks must be narrower than the whole internet (not 0.0.0.0/0 or ::/0)."
  }
}
"""
    )


def test_database_rule_is_narrowed_to_the_group_of_the_instance_that_uses_the_database():
    findings = scan_fixture("TAP103/db_consumer_graph", "TAP103")
    assert where(findings) == [("TAP103", "network.tf", 18, "aws_security_group_rule.db_postgres")]
    assert findings[0].message == (
        "aws_security_group_rule.db_postgres admits 0.0.0.0/0 to PostgreSQL 5432 on aws_security_group.db: "
        "anyone on the internet can reach it (the fix replaces aws_security_group_rule.db_postgres)"
    )
    # The worker names the database's address in its user data; the worker's group is the client.
    assert "aws_security_group.worker" in findings[0].fix.description
    assert "is replaced" in findings[0].fix.description
    assert fixed_files("TAP103/db_consumer_graph", "TAP103") == {
        "network.tf": original("db_consumer_graph", "network.tf").replace(
            """\
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL"
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["0.0.0.0/0"]
""",
            """\
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  description              = "PostgreSQL"
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
  source_security_group_id = aws_security_group.worker.id
""",
        )
    }


def test_cache_rule_is_narrowed_to_the_group_with_egress_to_it_and_its_ipv6_twin_is_removed():
    findings = scan_fixture("TAP103/redis_egress_twins", "TAP103")
    assert where(findings) == [
        ("TAP103", "main.tf", 13, "aws_vpc_security_group_ingress_rule.redis"),
        ("TAP103", "main.tf", 21, "aws_vpc_security_group_ingress_rule.redis_ipv6"),
    ]
    assert findings[1].fix.description == (
        "Remove aws_vpc_security_group_ingress_rule.redis_ipv6: aws_vpc_security_group_ingress_rule.redis "
        "is narrowed to aws_security_group.api instead"
    )
    fixed = fixed_files("TAP103/redis_egress_twins", "TAP103")["main.tf"]
    assert (
        """\
resource "aws_vpc_security_group_ingress_rule" "redis" {
  security_group_id            = aws_security_group.redis.id
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_security_group" "api" {
"""
        in fixed
    )
    assert "redis_ipv6" not in fixed


def test_all_protocols_from_the_world_on_a_counted_rule_gets_a_variable_in_the_file_of_the_variables():
    findings = scan_fixture("TAP103/all_protocols_count", "TAP103")
    assert where(findings) == [("TAP103", "main.tf", 25, "aws_security_group_rule.debug_all")]
    assert "to every port and protocol" in findings[0].message
    fixed = fixed_files("TAP103/all_protocols_count", "TAP103")["main.tf"]
    assert "  cidr_blocks       = var.debug_all_cidr_blocks\n" in fixed
    assert 'variable "debug_all_cidr_blocks" {\n' in fixed
    assert fixed.index('variable "debug_all_cidr_blocks"') < fixed.index(
        'resource "aws_security_group" "debug"'
    )


def test_port_range_through_a_local_rewrites_the_local():
    findings = scan_fixture("TAP103/port_range_local", "TAP103")
    assert where(findings) == [("TAP103", "main.tf", 19, "aws_security_group.legacy")]
    assert (
        "admits 0.0.0.0/0 (cidr_blocks = local.everyone) to ports 1000-3400, including SQL Server 1433, "
        "Oracle 1521, NFS 2049 and 5 more" in findings[0].message
    )
    fixed = fixed_files("TAP103/port_range_local", "TAP103")["main.tf"]
    assert "  everyone = var.legacy_admin_cidr_blocks\n" in fixed
    assert "allowed to reach the admin and data ports on aws_security_group.legacy" in fixed


def test_world_source_from_a_dynamic_block_iterator_is_reported_without_a_fix():
    findings = scan_fixture("TAP103/dynamic_rules_map", "TAP103")
    assert where(findings) == [("TAP103", "main.tf", 25, "aws_security_group.edge")]
    assert findings[0].message.startswith(
        'aws_security_group.edge (ingress rule at main.tf:20, dynamic instance "ssh") admits 0.0.0.0/0'
    )
    assert findings[0].fix is None


def test_world_cidr_from_tfvars_is_reported_and_left_to_the_tfvars_owner():
    findings = scan_fixture("TAP103/tfvars_world", "TAP103")
    assert where(findings) == [("TAP103", "main.tf", 19, "aws_vpc_security_group_ingress_rule.agents_rdp")]
    assert findings[0].message.endswith("(var.rdp_cidr is set in terraform.tfvars: narrow it there)")
    assert findings[0].fix is None


@pytest.mark.parametrize(
    "case",
    [
        "ok_narrow_cidr",  # SSH from a VPN range
        "ok_https_world",  # 443 is neither an admin nor a data port
        "ok_unknown_cidr",  # the CIDR is a variable without default
        "ok_count_zero",  # the break-glass rule is switched off (count = 0)
        "ok_module_call",  # a module argument is not a rule of this module
        "ok_world_egress_and_icmp",  # egress to the world and ICMP ingress are other matters
    ],
)
def test_no_finding_without_a_world_open_admin_or_data_port(case):
    assert scan_fixture(f"TAP103/{case}", "TAP103") == []
