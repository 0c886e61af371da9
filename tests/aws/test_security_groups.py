"""Security-group rules as `fixers.aws.security_groups` reads them: every way Terraform lets a module
write a rule becomes the same `SgRule`, with its direction, group, protocol, ports and sources, and
whether it exists when count/for_each cannot be evaluated."""

from fixers.aws.security_groups import (
    ALL_PORTS,
    INLINE,
    SG_RULE,
    VPC_EGRESS,
    VPC_INGRESS,
    groups_in,
    instances,
    security_group_rules,
)
from fixers.evaluate import UNKNOWN
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def module_of(source: str) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", source.encode()))])


def rules_of(source: str):
    return security_group_rules(module_of(source))


GROUP = 'resource "aws_security_group" "app" {\n  name = "app"\n'


# --- the forms ---------------------------------------------------------------------------------


def test_an_inline_ingress_block_is_one_rule_of_its_group():
    (rule,) = rules_of(
        GROUP + '  ingress {\n    protocol = "tcp"\n    from_port = 22\n    to_port = 22\n'
        '    cidr_blocks = ["0.0.0.0/0", "10.0.0.0/8"]\n  }\n}\n'
    )
    assert (rule.form, rule.direction, rule.group, rule.exists) == (
        INLINE,
        "ingress",
        "aws_security_group.app",
        True,
    )
    assert rule.protocol == "tcp" and rule.ports() == (22, 22)
    assert rule.cidrs(4) == ["0.0.0.0/0", "10.0.0.0/8"] and rule.cidrs(6) == []
    assert rule.world_cidrs() == [("cidr_blocks", "0.0.0.0/0")]
    assert rule.admits(22) is True and rule.admits(23) is False and rule.admits(22, "udp") is False
    assert rule.location == "aws_security_group.app (ingress rule at main.tf:3)"
    assert rule.at is rule.body


def test_an_inline_rule_list_attribute_gives_one_rule_per_element():
    rules = rules_of(
        GROUP
        + '  egress = [\n    { protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"],'
        " ipv6_cidr_blocks = [], security_groups = [], self = false, prefix_list_ids = [], description = null },\n"
        '    { protocol = "udp", from_port = 53, to_port = 53, cidr_blocks = ["10.0.0.2/32"] },\n  ]\n}\n'
    )
    assert [(r.direction, r.protocol, r.ports()) for r in rules] == [
        ("egress", "all", ALL_PORTS),
        ("egress", "udp", (53, 53)),
    ]
    assert rules[0].body is None and rules[0].at is rules[0].attribute
    assert rules[0].world_cidrs() == [("cidr_blocks", "0.0.0.0/0")]
    assert rules[0].source_groups() == []


def test_an_inline_rule_list_from_an_unknown_value_is_one_rule_that_may_exist():
    (rule,) = rules_of('variable "rules" {}\n' + GROUP + "  ingress = var.rules\n}\n")
    assert rule.exists is UNKNOWN and rule.data is UNKNOWN
    assert rule.protocol is UNKNOWN and rule.cidrs(4) is UNKNOWN and rule.world_cidrs() == []
    assert rule.source_groups() is None


def test_an_security_group_rule_resource_names_its_group_and_direction():
    (rule,) = rules_of(
        GROUP + "}\n"
        'resource "aws_security_group_rule" "ssh" {\n  type = "ingress"\n'
        "  security_group_id = aws_security_group.app.id\n"
        '  protocol = "6"\n  from_port = 22\n  to_port = 22\n  ipv6_cidr_blocks = ["::/0"]\n}\n'
    )
    assert (rule.form, rule.direction, rule.group) == (SG_RULE, "ingress", "aws_security_group.app")
    assert rule.protocol == "tcp"
    assert rule.world_cidrs() == [("ipv6_cidr_blocks", "::/0")]
    assert rule.location == "aws_security_group_rule.ssh"


def test_a_rule_whose_type_or_group_cannot_be_known_says_so():
    (rule,) = rules_of(
        'variable "type" {}\nvariable "sg" {}\n'
        'resource "aws_security_group_rule" "r" {\n  type = var.type\n  security_group_id = var.sg\n'
        '  protocol = "-1"\n  from_port = 0\n  to_port = 0\n  cidr_blocks = ["0.0.0.0/0"]\n}\n'
    )
    assert rule.direction is UNKNOWN and rule.group is None


def test_vpc_rule_resources_take_their_direction_from_the_resource_type():
    ingress, egress = rules_of(
        GROUP + "}\n"
        'resource "aws_vpc_security_group_ingress_rule" "https" {\n'
        "  security_group_id = aws_security_group.app.id\n"
        '  ip_protocol = "tcp"\n  from_port = 443\n  to_port = 443\n  cidr_ipv4 = "0.0.0.0/0"\n}\n'
        'resource "aws_vpc_security_group_egress_rule" "all" {\n'
        "  security_group_id = aws_security_group.app.id\n"
        '  ip_protocol = "-1"\n  cidr_ipv6 = "::/0"\n}\n'
    )
    assert (ingress.form, ingress.direction, ingress.cidrs(4)) == (VPC_INGRESS, "ingress", ["0.0.0.0/0"])
    assert (egress.form, egress.direction, egress.ports()) == (VPC_EGRESS, "egress", ALL_PORTS)
    assert egress.world_cidrs() == [("cidr_ipv6", "::/0")]


def test_a_dynamic_block_over_a_map_gives_one_rule_per_key_with_its_own_values():
    rules = rules_of(
        'locals {\n  ports = {\n    ssh = { port = 22, cidr = "0.0.0.0/0" }\n'
        '    web = { port = 443, cidr = "10.0.0.0/8" }\n  }\n}\n'
        + GROUP
        + '  dynamic "ingress" {\n    for_each = local.ports\n    iterator = rule\n    content {\n'
        '      protocol = "tcp"\n      from_port = rule.value.port\n      to_port = rule.value.port\n'
        "      cidr_blocks = [rule.value.cidr]\n    }\n  }\n}\n"
    )
    assert [(r.ports(), r.world_cidrs()) for r in rules] == [
        ((22, 22), [("cidr_blocks", "0.0.0.0/0")]),
        ((443, 443), []),
    ]
    assert all(r.dynamic is not None and r.exists is True for r in rules)
    assert rules[0].location == 'aws_security_group.app (ingress rule at main.tf:12, dynamic instance "ssh")'


def test_a_dynamic_block_over_an_unknown_collection_is_one_rule_that_may_exist():
    (rule,) = rules_of(
        'variable "ports" {}\n' + GROUP + '  dynamic "ingress" {\n    for_each = var.ports\n    content {\n'
        '      protocol = "tcp"\n      from_port = ingress.value\n      to_port = ingress.value\n'
        '      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}\n'
    )
    assert rule.exists is UNKNOWN
    assert rule.world_cidrs() == [("cidr_blocks", "0.0.0.0/0")]
    assert rule.ports() is UNKNOWN and rule.admits(22) is UNKNOWN


def test_a_rule_resource_with_for_each_over_a_map_is_one_rule_per_key():
    rules = rules_of(
        GROUP + "}\n"
        'resource "aws_vpc_security_group_ingress_rule" "r" {\n'
        "  for_each = { ssh = 22, rdp = 3389 }\n  security_group_id = aws_security_group.app.id\n"
        '  ip_protocol = "tcp"\n  from_port = each.value\n  to_port = each.value\n  cidr_ipv4 = "0.0.0.0/0"\n}\n'
    )
    assert [(r.scope["each"]["key"], r.ports()) for r in rules] == [("ssh", (22, 22)), ("rdp", (3389, 3389))]


def test_for_each_over_toset_of_a_literal_list_exists_even_with_unknown_elements():
    source = (
        'variable "extra" {}\n' + GROUP + "}\n"
        'resource "aws_vpc_security_group_ingress_rule" "r" {\n'
        '  for_each = toset(["0.0.0.0/0", var.extra])\n  security_group_id = aws_security_group.app.id\n'
        '  ip_protocol = "tcp"\n  from_port = 22\n  to_port = 22\n  cidr_ipv4 = each.value\n}\n'
    )
    (rule,) = rules_of(source)
    assert rule.exists is True and rule.admits(22) is True
    assert rule.cidrs(4) is UNKNOWN  # which instance holds which CIDR is not known


def test_for_each_over_a_known_set_gives_one_rule_per_element():
    rules = rules_of(
        GROUP + "}\n"
        'resource "aws_vpc_security_group_ingress_rule" "r" {\n'
        '  for_each = toset(["0.0.0.0/0", "::/0"])\n  security_group_id = aws_security_group.app.id\n'
        '  ip_protocol = "tcp"\n  from_port = 22\n  to_port = 22\n  cidr_ipv4 = each.value\n}\n'
    )
    assert [r.world_cidrs() for r in rules] == [[("cidr_ipv4", "0.0.0.0/0")], [("cidr_ipv4", "::/0")]]


def test_for_each_over_an_unknown_value_or_an_empty_literal():
    unknown = module_of('variable "m" {}\nresource "aws_security_group_rule" "r" {\n  for_each = var.m\n}\n')
    assert instances(unknown.find("aws_security_group_rule.r")) == [({}, UNKNOWN)]
    empty = module_of('resource "aws_security_group_rule" "r" {\n  for_each = toset([])\n}\n')
    assert instances(empty.find("aws_security_group_rule.r")) == []


def test_count_expands_rules_and_count_zero_drops_a_group_and_its_inline_rules():
    rules = rules_of(
        'resource "aws_security_group_rule" "r" {\n  count = 2\n  type = "egress"\n'
        '  security_group_id = "sg-1"\n  protocol = "-1"\n  from_port = 0\n  to_port = 0\n'
        '  cidr_blocks = ["0.0.0.0/0"]\n}\n'
        'resource "aws_security_group" "off" {\n  count = 0\n  egress {\n    protocol = "-1"\n'
        '    from_port = 0\n    to_port = 0\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    assert [r.scope for r in rules] == [{"count": {"index": 0}}, {"count": {"index": 1}}]
    assert all(r.group is None for r in rules)  # a literal ID is no group of this module


def test_count_from_an_unknown_value_makes_a_rule_that_may_exist():
    (rule,) = rules_of(
        'variable "on" {}\nresource "aws_security_group_rule" "r" {\n  count = var.on ? 1 : 0\n'
        '  type = "ingress"\n  security_group_id = "sg-1"\n  protocol = "tcp"\n  from_port = 22\n'
        '  to_port = 22\n  cidr_blocks = ["0.0.0.0/0"]\n}\n'
    )
    assert rule.exists is UNKNOWN
    assert rule.admits(22) is UNKNOWN  # it would admit 22, if it exists
    assert rule.admits(80) is False


# --- values: null, unknown, partial --------------------------------------------------------------


def test_null_arguments_are_absent_and_a_null_protocol_is_unknown():
    (rule,) = rules_of(
        GROUP + "  ingress {\n    protocol = null\n    from_port = 22\n    to_port = 22\n"
        "    cidr_blocks = null\n    security_groups = null\n  }\n}\n"
    )
    assert rule.cidrs(4) == [] and rule.world_cidrs() == []
    assert rule.source_groups() == []
    assert rule.protocol is UNKNOWN and rule.ports() is UNKNOWN


def test_world_open_is_found_in_a_partly_known_list():
    (rule,) = rules_of(
        'variable "office" {}\n' + GROUP + '  ingress {\n    protocol = "tcp"\n    from_port = 22\n'
        '    to_port = 22\n    cidr_blocks = ["0.0.0.0/0", var.office]\n  }\n}\n'
    )
    assert rule.cidrs(4) == ["0.0.0.0/0", UNKNOWN]
    assert rule.world_cidrs() == [("cidr_blocks", "0.0.0.0/0")]


def test_world_open_through_a_variable_default_and_a_local():
    rules = rules_of(
        'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\nlocals {\n  v6 = "::/0"\n}\n'
        + GROUP
        + '  ingress {\n    protocol = "tcp"\n    from_port = 22\n    to_port = 22\n'
        "    cidr_blocks = var.cidrs\n    ipv6_cidr_blocks = [local.v6]\n  }\n}\n"
    )
    assert rules[0].world_cidrs() == [("cidr_blocks", "0.0.0.0/0"), ("ipv6_cidr_blocks", "::/0")]


def test_a_list_that_cannot_be_evaluated_is_never_world_open():
    (rule,) = rules_of(
        'variable "extra" {}\n' + GROUP + '  ingress {\n    protocol = "tcp"\n    from_port = 22\n'
        '    to_port = 22\n    cidr_blocks = concat(["0.0.0.0/0"], var.extra)\n  }\n}\n'
    )
    assert rule.cidrs(4) is UNKNOWN and rule.world_cidrs() == []


def test_protocol_numbers_and_minus_one_ports_are_normalised():
    rules = rules_of(
        GROUP + "  ingress {\n    protocol = -1\n    from_port = 0\n    to_port = 0\n  }\n"
        '  ingress {\n    protocol = "17"\n    from_port = 53\n    to_port = 53\n  }\n'
        '  ingress {\n    protocol = "icmp"\n    from_port = -1\n    to_port = -1\n  }\n}\n'
    )
    assert [(r.protocol, r.ports()) for r in rules] == [
        ("all", ALL_PORTS),
        ("udp", (53, 53)),
        ("icmp", ALL_PORTS),
    ]


def test_peers_other_than_cidrs_are_sources():
    rules = rules_of(
        'variable "pl" {}\n'
        + GROUP
        + '  ingress {\n    protocol = "tcp"\n    from_port = 1\n    to_port = 1\n'
        "    self = true\n  }\n"
        '  ingress {\n    protocol = "tcp"\n    from_port = 1\n    to_port = 1\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n'
        '  ingress {\n    protocol = "tcp"\n    from_port = 1\n    to_port = 1\n    prefix_list_ids = var.pl\n  }\n}\n'
    )
    assert [r.has_sources for r in rules] == [True, False, UNKNOWN]


def test_rules_are_collected_once_per_module():
    module = module_of(
        GROUP + '  ingress {\n    protocol = "tcp"\n    from_port = 1\n    to_port = 1\n  }\n}\n'
    )
    first, again = security_group_rules(module), security_group_rules(module)
    assert first == again and first[0] is again[0]


# --- which groups an expression names --------------------------------------------------------------


def groups(expression: str, extra: str = "", holder: str | None = None):
    module = module_of(
        GROUP + '}\nresource "aws_security_group" "db" {}\n' + extra + f"locals {{\n  x = {expression}\n}}\n"
    )
    block = module.find(holder) if holder else None
    return groups_in(module, module.locals["x"].expression, block)


def test_groups_named_by_references_lists_conditionals_and_collection_functions():
    assert groups("aws_security_group.app.id") == ["aws_security_group.app"]
    assert groups("[aws_security_group.app.id, aws_security_group.db.id]") == [
        "aws_security_group.app",
        "aws_security_group.db",
    ]
    assert groups(
        "var.on ? [aws_security_group.app.id] : [aws_security_group.db.id]", 'variable "on" {}\n'
    ) == [
        "aws_security_group.app",
        "aws_security_group.db",
    ]
    assert groups("concat([aws_security_group.app.id], toset([aws_security_group.app.id]))") == [
        "aws_security_group.app"
    ]
    assert groups("[for g in [aws_security_group.db] : g.id]") == ["aws_security_group.db"]
    assert groups("aws_security_group.app[*].id") == ["aws_security_group.app"]
    assert groups("[aws_security_group.app.id][0]") == ["aws_security_group.app"]
    assert groups("null") == []


def test_groups_through_locals_and_variables_without_a_value():
    assert groups("local.y", "locals {\n  y = [aws_security_group.db.id]\n}\n") == ["aws_security_group.db"]
    assert groups("var.extra", 'variable "extra" {\n  default = []\n}\n') == []
    assert groups("var.extra", 'variable "extra" {}\n') is None


def test_groups_through_each_of_the_holder_for_each():
    extra = 'resource "aws_security_group_rule" "r" {\n  for_each = toset([aws_security_group.db.id])\n}\n'
    assert groups("each.value", extra, holder="aws_security_group_rule.r") == ["aws_security_group.db"]
    assert groups("each.value", extra) is None


def test_anything_that_may_be_a_group_of_another_module_is_unknown():
    assert groups('"sg-0123"') is None
    assert groups("data.aws_security_group.shared.id") is None
    assert groups("[aws_security_group.app.id, module.x.sg_id]") is None
    assert groups("{ for k in [1] : k => aws_security_group.app.id }") is None
    assert groups("each") is None
