"""TAP102 lb-listener-port-blocked: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, fixture_dir, scan_fixture, where


def test_redirect_listener_on_a_dualstack_alb_gets_both_ingress_twins_in_the_groups_style():
    findings = scan_fixture("TAP102/vpc_rules_dualstack", "TAP102")
    # The group lives in network.tf, the listener in alb.tf.
    assert where(findings) == [("TAP102", "alb.tf", 29, "aws_lb_listener.http")]
    assert findings[0].message == (
        "aws_lb_listener.http listens on port 80 but aws_lb.web's security group aws_security_group.alb "
        "admits only TCP 443: connections to port 80 time out"
    )
    assert findings[0].fix.applicability == "safe"
    original = (fixture_dir("TAP102/vpc_rules_dualstack") / "network.tf").read_text()
    assert fixed_files("TAP102/vpc_rules_dualstack", "TAP102") == {
        "network.tf": original
        + """
resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_ingress_rule" "alb_http_ipv6" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from the internet (IPv6)"
  cidr_ipv6         = "::/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}
"""
    }


def test_inline_group_gets_an_inline_ingress_block_with_the_same_sources():
    findings = scan_fixture("TAP102/inline_ingress", "TAP102")
    assert where(findings) == [("TAP102", "main.tf", 69, "aws_lb_listener.http")]
    assert "admits only TCP 443" in findings[0].message
    fixed = fixed_files("TAP102/inline_ingress", "TAP102")["main.tf"]
    assert (
        """\
  ingress {
    description = "HTTPS from the offices"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.office_cidrs
  }

  ingress {
    description = "HTTP from the offices"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = var.office_cidrs
  }

  egress {
"""
        in fixed
    )


def test_for_each_listener_instance_on_a_counted_alb_gets_a_security_group_rule_copy():
    findings = scan_fixture("TAP102/sg_rule_for_each_listener", "TAP102")
    # One instance (port 80) of the for_each listener is blocked; its HTTPS twin is admitted.
    assert where(findings) == [("TAP102", "main.tf", 56, "aws_lb_listener.web")]
    assert findings[0].key == "80"
    fixed = fixed_files("TAP102/sg_rule_for_each_listener", "TAP102")["main.tf"]
    assert (
        """\
  cidr_blocks       = local.allowed_cidrs
}

resource "aws_security_group_rule" "web_http" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  description       = "HTTP from anywhere"
  protocol          = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_blocks       = local.allowed_cidrs
}

resource "aws_lb" "web" {
"""
        in fixed
    )


def test_dynamic_ingress_over_a_literal_port_list_gets_the_port_appended():
    findings = scan_fixture("TAP102/dynamic_port_list", "TAP102")
    assert where(findings) == [("TAP102", "main.tf", 58, "aws_lb_listener.http")]
    original = (fixture_dir("TAP102/dynamic_port_list") / "main.tf").read_text()
    fixed = fixed_files("TAP102/dynamic_port_list", "TAP102")["main.tf"]
    assert fixed == original.replace("for_each = [443]\n", "for_each = [443, 80]\n")
    assert fixed != original


def test_nlb_with_a_security_group_gets_the_prefix_list_rule_copied_for_the_other_tls_port():
    findings = scan_fixture("TAP102/nlb_tls_port", "TAP102")
    assert where(findings) == [("TAP102", "main.tf", 62, "aws_lb_listener.tls_legacy")]
    assert findings[0].message.startswith("aws_lb_listener.tls_legacy listens on port 8443 but")
    assert """\
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "partner_8443" {
  security_group_id = aws_security_group.partner_nlb.id
  description       = "Partners on 8443"
  prefix_list_id    = var.partner_prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
}

resource "aws_lb" "partner" {
""" in fixed_files("TAP102/nlb_tls_port", "TAP102")["main.tf"]


def test_internet_facing_alb_whose_group_admits_nothing_gets_a_rule_from_the_internet():
    findings = scan_fixture("TAP102/no_ingress_yet", "TAP102")
    assert where(findings) == [("TAP102", "main.tf", 36, "aws_lb_listener.https")]
    assert "admits no inbound traffic" in findings[0].message
    assert """\
  description = "Shop load balancer"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "shop_https" {
  security_group_id = aws_security_group.shop.id
  description       = "HTTPS from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "shop_to_vpc" {
""" in fixed_files("TAP102/no_ingress_yet", "TAP102")["main.tf"]


@pytest.mark.parametrize(
    "case",
    [
        "ok_admitted_split_files",  # both ports admitted by a for_each rule in another file
        "ok_nlb_without_security_groups",  # an NLB without groups filters nothing
        "ok_unknown_security_groups",  # the groups come from a variable: their rules are unseen
        "ok_module_adds_rules",  # the group is handed to a module that adds the HTTP rule
        "ok_unknown_rule_port",  # the rule's port is a variable without default
        "ok_all_traffic_from_vpc",  # protocol -1 admits every port
        "ok_listener_on_module_lb",  # the load balancer is a module's, not a resource here
    ],
)
def test_no_finding_when_the_port_is_admitted_or_unknowable(case):
    assert scan_fixture(f"TAP102/{case}", "TAP102") == []


def test_dynamic_ingress_over_toset_of_a_port_list_with_a_trailing_comma_gets_the_port_after_the_last(
    tmp_path,
):
    from fixers.engine import fix_module
    from fixers.workspace import read_module
    from tests.rules.harness import every_rule

    original = (fixture_dir("TAP102/dynamic_port_list") / "main.tf").read_text()
    written = original.replace("for_each = [443]\n", "for_each = toset([\n      443,\n    ])\n")
    (tmp_path / "main.tf").write_text(written)
    outcome = fix_module(read_module(tmp_path, tmp_path), every_rule(), unsafe=True, rule_ids={"TAP102"})
    assert outcome.texts["main.tf"] == written.replace("      443,\n", "      443, 80,\n")
