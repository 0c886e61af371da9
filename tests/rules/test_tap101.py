"""TAP101 sg-egress-unrestricted: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, scan_fixture, where

HTTPS = "HTTPS 443 to 0.0.0.0/0 (AWS APIs, SSM, package repositories)"


def test_rule_resource_is_replaced_by_the_peers_and_https_the_graph_shows():
    findings = scan_fixture("TAP101/vpc_rules_split_files", "TAP101")
    assert where(findings) == [("TAP101", "network.tf", 40, "aws_vpc_security_group_egress_rule.app_all")]
    assert findings[0].message == (
        "aws_vpc_security_group_egress_rule.app_all lets aws_security_group.app send all traffic to 0.0.0.0/0; "
        "it is used by aws_launch_template.app; the module shows it needs only PostgreSQL 5432 to "
        f"aws_security_group.db, Redis 6379 to aws_security_group.cache and {HTTPS}"
    )
    assert findings[0].fix.applicability == "unsafe"
    # The DB port is copied as written (a reference to the instance's port); the cache admits
    # all traffic from the app, so its port comes from the replication group (default 6379).
    assert fixed_files("TAP101/vpc_rules_split_files", "TAP101")["network.tf"].endswith(
        """\
# The cache group trusts the app group completely.
resource "aws_vpc_security_group_ingress_rule" "cache_from_app" {
  security_group_id            = aws_security_group.cache.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "app_to_db" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = aws_db_instance.main.port
  to_port                      = aws_db_instance.main.port
}

resource "aws_vpc_security_group_egress_rule" "app_to_cache" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.cache.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
"""
    )


def test_inline_database_group_gets_an_empty_egress_list_not_a_deleted_block():
    findings = scan_fixture("TAP101/inline_db_needs_none", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 32, "aws_security_group.db")]
    assert findings[0].key == "egress"
    assert findings[0].message == (
        "aws_security_group.db has egress allowing all traffic to 0.0.0.0/0; it is used by "
        "aws_db_instance.orders; nothing in the module needs egress from it"
    )
    assert findings[0].fix.description == "Remove all egress (egress = [])"
    assert """\
    cidr_blocks = [var.app_cidr]
  }

  egress = []
}
""" in fixed_files("TAP101/inline_db_needs_none", "TAP101")["main.tf"]


def test_empty_egress_list_is_aligned_with_the_attributes_around_it():
    findings = scan_fixture("TAP101/inline_compact_alignment", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 21, "aws_security_group.efs")]
    assert "all traffic" in findings[0].message  # TCP over every port counts as all traffic
    assert """\
resource "aws_security_group" "efs" {
  name                   = "shared-efs"
  vpc_id                 = var.vpc_id
  egress                 = []
  revoke_rules_on_delete = true
}
""" in fixed_files("TAP101/inline_compact_alignment", "TAP101")["main.tf"]


def test_inline_peer_that_would_form_a_cycle_is_reached_through_the_vpc_cidr():
    findings = scan_fixture("TAP101/inline_alb_cycle_vpc_cidr", "TAP101")
    assert where(findings) == [
        ("TAP101", "main.tf", 26, "aws_security_group.alb"),
        ("TAP101", "main.tf", 45, "aws_security_group.web"),
    ]
    assert findings[0].message.endswith(
        "the module shows it needs only TCP 8080 to aws_security_group.web; an inline rule naming "
        "aws_security_group.web would form a dependency cycle (it names this group too), so the fix allows "
        "TCP 8080 to the VPC (aws_vpc.main.cidr_block) instead"
    )
    assert "egress allowing all traffic to 0.0.0.0/0 and ::/0" in findings[1].message
    text = fixed_files("TAP101/inline_alb_cycle_vpc_cidr", "TAP101")["main.tf"]
    assert (
        """\
  egress {
    description = "TCP 8080 to the VPC (aws_vpc.main.cidr_block)"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
"""
        in text
    )
    assert (
        """\
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}
"""
        in text
    )


def test_load_balancer_without_peer_rules_reaches_its_targets_on_traffic_and_health_check_ports():
    findings = scan_fixture("TAP101/sg_rule_alb_targets", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 39, "aws_security_group_rule.alb_out")]
    assert findings[0].message.endswith(
        "it is used by aws_lb.api; the module shows it needs only TCP 8080 to the VPC "
        "(aws_vpc.main.cidr_block) and TCP 8081 to the VPC (aws_vpc.main.cidr_block)"
    )
    assert """\
resource "aws_security_group_rule" "alb_to_vpc_8080" {
  type              = "egress"
  security_group_id = aws_security_group.alb.id
  protocol          = "tcp"
  from_port         = var.app_port
  to_port           = var.app_port
  cidr_blocks       = [aws_vpc.main.cidr_block]
}

resource "aws_security_group_rule" "alb_to_vpc_8081" {
  type              = "egress"
  security_group_id = aws_security_group.alb.id
  protocol          = "tcp"
  from_port         = 8081
  to_port           = 8081
  cidr_blocks       = [aws_vpc.main.cidr_block]
}
""" in fixed_files("TAP101/sg_rule_alb_targets", "TAP101")["main.tf"]


def test_peer_group_from_a_variable_and_an_oidc_listener_give_peer_egress_and_https_to_the_idp():
    findings = scan_fixture("TAP101/alb_oidc_peer_outside", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 38, "aws_vpc_security_group_egress_rule.alb_all")]
    assert findings[0].message.endswith(
        "the module shows it needs only TCP 8080 to var.app_sg_id and "
        "HTTPS 443 to 0.0.0.0/0 (the identity provider of its listeners)"
    )
    assert """\
resource "aws_vpc_security_group_egress_rule" "alb_to_app_sg_id" {
  security_group_id            = aws_security_group.alb.id
  referenced_security_group_id = var.app_sg_id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
}
""" in fixed_files("TAP101/alb_oidc_peer_outside", "TAP101")["main.tf"]


def test_group_handed_to_a_module_gets_a_display_only_suggestion():
    findings = scan_fixture("TAP101/module_attached_display_only", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 27, "aws_vpc_security_group_egress_rule.worker_all")]
    assert findings[0].message.endswith(
        "the module shows it needs only PostgreSQL 5432 to aws_security_group.db; tapfix cannot see everything "
        "it talks to (it is passed to module.worker), so the fix is only a suggestion"
    )
    assert findings[0].fix.applicability == "display-only"
    assert fixed_files("TAP101/module_attached_display_only", "TAP101") == {}


def test_counted_rule_with_values_from_locals_and_tfvars_keeps_its_count():
    findings = scan_fixture("TAP101/count_lambda_tfvars", "TAP101")
    # cidr_ipv4 is var.egress_cidr, 0.0.0.0/0 in terraform.tfvars; the protocol is a local.
    assert where(findings) == [("TAP101", "main.tf", 37, "aws_vpc_security_group_egress_rule.fn_out")]
    assert "it is used by aws_lambda_function.resize" in findings[0].message
    assert """\
resource "aws_vpc_security_group_egress_rule" "fn_https" {
  count = var.allow_egress ? 1 : 0

  security_group_id = aws_security_group.fn.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
""" in fixed_files("TAP101/count_lambda_tfvars", "TAP101")["main.tf"]


def test_ipv4_and_ipv6_allow_all_rules_each_keep_https_for_their_family_and_peers_go_once():
    findings = scan_fixture("TAP101/two_families_ecs", "TAP101")
    assert where(findings) == [
        ("TAP101", "main.tf", 41, "aws_vpc_security_group_egress_rule.tasks_ipv4"),
        ("TAP101", "main.tf", 48, "aws_vpc_security_group_egress_rule.tasks_ipv6"),
    ]
    assert (
        "needs only Redis 6379 to aws_security_group.cache and HTTPS 443 to 0.0.0.0/0" in findings[0].message
    )
    assert "send all traffic to ::/0" in findings[1].message  # TCP 0-65535 is all traffic
    assert findings[1].message.endswith("needs only HTTPS 443 to ::/0 (AWS APIs, SSM, package repositories)")
    text = fixed_files("TAP101/two_families_ecs", "TAP101")["main.tf"]
    assert text.count("referenced_security_group_id = aws_security_group.cache.id") == 1
    # The replaced rules had descriptions, so the new ones get one too.
    assert (
        """\
resource "aws_vpc_security_group_egress_rule" "tasks_https_ipv6" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS 443 to ::/0 (AWS APIs, SSM, package repositories)"
  cidr_ipv6         = "::/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
"""
        in text
    )


def test_for_each_rule_with_one_open_item_is_reported_without_a_fix():
    findings = scan_fixture("TAP101/for_each_partial", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 15, "aws_vpc_security_group_egress_rule.batch")]
    assert findings[0].fix is None
    assert findings[0].message.endswith(
        "no fix: the rule is created per for_each item; remove the open CIDRs from the collection it iterates"
    )


def test_dynamic_egress_with_known_items_is_evaluated_per_item_and_not_rewritten():
    findings = scan_fixture("TAP101/dynamic_known_no_fix", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 23, "aws_security_group.app")]
    assert findings[0].fix is None
    assert findings[0].message == (
        "aws_security_group.app has egress allowing all traffic to 0.0.0.0/0; it is used by aws_instance.app; "
        f"its other egress rules already allow what the module shows it needs ({HTTPS}); no fix: the rule "
        "comes from a dynamic block or an egress list; change the values it is built from"
    )


def test_rule_on_a_group_defined_elsewhere_is_reported_without_a_fix():
    findings = scan_fixture("TAP101/external_group", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 12, "aws_security_group_rule.all_out")]
    assert findings[0].fix is None
    assert findings[0].message == (
        "aws_security_group_rule.all_out lets its security group send all traffic to 0.0.0.0/0; "
        "no fix: its security group is not defined in this module"
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_narrow_egress",  # HTTPS to the internet and all traffic inside the VPC only
        "ok_unknown_cidr",  # CIDR from a variable without default
        "ok_count_zero",  # the allow-all rule exists only while debugging (count = 0)
        "ok_module_call",  # module inputs named like egress rules
        "ok_egress_from_inputs_of_a_called_module",  # allow-all only as an input's default: callers choose
        "ok_dynamic_unknown",  # dynamic egress over a variable without default
        "ok_udp_dns",  # one port (53) to the internet is not all traffic
    ],
)
def test_no_finding_when_egress_is_narrow_or_unknowable(case):
    assert scan_fixture(f"TAP101/{case}", "TAP101") == []


def test_allow_all_egress_from_an_input_default_is_reported_where_the_configuration_is_applied_as_is():
    # The same module as ok_egress_from_inputs_of_a_called_module, with a provider: its defaults deploy.
    findings = scan_fixture("TAP101/egress_from_inputs_applied_as_is", "TAP101")
    assert where(findings) == [("TAP101", "main.tf", 33, "aws_vpc_security_group_egress_rule.this")]
