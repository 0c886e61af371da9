"""Flows between security groups (`fixers.aws.flows`): the egress a group needs, read from the
module's reference graph, and which groups connect to a group."""

from fixers.aws.flows import (
    attached_groups,
    consumers,
    egress_needs,
    egress_peers,
    rule_ports,
    vpc_cidr,
)
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def module_of(source: str) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", source.encode()))])


def needs_of(source: str, group: str = "aws_security_group.app", families=("ipv4",)):
    module = module_of(source)
    graph = egress_needs(module, module.find(group), set(families))
    return graph, [n.description for n in graph.needs]


NETWORK = """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id
}
"""

DB_ADMITS_APP = """
resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}
"""

INSTANCE = """
resource "aws_instance" "app" {
  ami                    = "ami-123"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.app.id]
}
"""


def test_compute_needs_its_peers_ports_and_https_to_the_internet():
    graph, needs = needs_of(NETWORK + DB_ADMITS_APP + INSTANCE, families=("ipv4", "ipv6"))
    assert needs == [
        "PostgreSQL 5432 to aws_security_group.db",
        "HTTPS 443 to 0.0.0.0/0 (AWS APIs, SSM, package repositories)",
        "HTTPS 443 to ::/0 (AWS APIs, SSM, package repositories)",
    ]
    assert graph.attached == ["aws_instance.app"] and graph.reasons == [] and graph.cyclic == []


def test_a_peer_admitting_all_traffic_is_narrowed_to_the_port_of_what_it_protects():
    source = (
        NETWORK
        + """
resource "aws_security_group_rule" "db_from_app" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  source_security_group_id = aws_security_group.app.id
  protocol                 = "-1"
  from_port                = 0
  to_port                  = 0
}

resource "aws_db_instance" "db" {
  engine                 = "mysql"
  vpc_security_group_ids = [aws_security_group.db.id]
}
"""
        + INSTANCE
    )
    _, needs = needs_of(source)
    assert needs[0] == "MySQL 3306 to aws_security_group.db"


def test_a_database_group_needs_no_egress():
    source = (
        NETWORK
        + 'resource "aws_db_instance" "db" {\n  vpc_security_group_ids = [aws_security_group.db.id]\n}\n'
    )
    graph, needs = needs_of(source, "aws_security_group.db")
    assert needs == [] and graph.reasons == [] and graph.attached == ["aws_db_instance.db"]


def test_what_the_module_cannot_see_makes_the_needs_uncertain():
    passed = NETWORK + 'module "svc" {\n  source = "./svc"\n  sg_id = aws_security_group.app.id\n}\n'
    assert needs_of(passed)[0].reasons == ["it is passed to module.svc"]
    exported = NETWORK + 'output "sg" {\n  value = aws_security_group.app.id\n}\n'
    assert needs_of(exported)[0].reasons == ["output.sg exports it"]
    assert needs_of(NETWORK)[0].reasons == ["nothing in this module attaches it"]
    unmodelled = (
        NETWORK + 'resource "aws_mq_broker" "mq" {\n  security_groups = [aws_security_group.app.id]\n}\n'
    )
    assert needs_of(unmodelled)[0].reasons == [
        "it is attached to aws_mq_broker.mq, whose traffic tapfix does not model"
    ]


def test_a_peer_whose_own_block_names_the_group_is_a_cycle_for_an_inline_rule():
    # db's inline ingress names app: an inline egress of app naming db would close a cycle.
    inline = (
        """
resource "aws_security_group" "app" {}

resource "aws_security_group" "db" {
  ingress {
    protocol        = "tcp"
    from_port       = 6379
    to_port         = 6379
    security_groups = [aws_security_group.app.id]
  }
}
"""
        + INSTANCE
    )
    graph, needs = needs_of(inline)
    assert needs[0] == "Redis 6379 to aws_security_group.db"
    assert graph.cyclic == ["aws_security_group.db"]
    separate = NETWORK + DB_ADMITS_APP + INSTANCE  # the rule resource names both; the groups do not
    assert needs_of(separate)[0].cyclic == []


def test_a_load_balancer_needs_its_targets_ports_in_the_vpc_and_the_health_check_port():
    source = (
        NETWORK
        + """
resource "aws_lb" "web" {
  security_groups = [aws_security_group.app.id]
}

resource "aws_lb_target_group" "web" {
  port   = 8080
  vpc_id = aws_vpc.main.id
  health_check {
    port = "8081"
  }
}

resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
"""
    )
    graph, needs = needs_of(source)
    assert needs == [
        "TCP 8080 to the VPC (aws_vpc.main.cidr_block)",
        "TCP 8081 to the VPC (aws_vpc.main.cidr_block)",
    ]
    assert graph.attached == ["aws_lb.web"]


def test_egress_needs_are_computed_once_per_group_and_families():
    module = module_of(NETWORK + DB_ADMITS_APP + INSTANCE)
    group = module.find("aws_security_group.app")
    assert egress_needs(module, group, {"ipv4"}) is egress_needs(module, group, {"ipv4"})
    assert egress_needs(module, group, {"ipv4"}) is not egress_needs(module, group, {"ipv4", "ipv6"})


# --- who connects to a group ------------------------------------------------------------------------


def test_egress_peers_are_groups_whose_egress_rules_reach_the_group_on_the_port():
    module = module_of(
        NETWORK
        + """
resource "aws_security_group_rule" "app_to_db" {
  type                     = "egress"
  security_group_id        = aws_security_group.app.id
  source_security_group_id = aws_security_group.db.id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
}
"""
    )
    assert egress_peers(module, "aws_security_group.db", "tcp", [22, 5432]) == ["aws_security_group.app"]
    assert egress_peers(module, "aws_security_group.db", "tcp", [22]) == []
    assert egress_peers(module, "aws_security_group.app", "tcp", [5432]) == []


def test_consumers_are_the_groups_of_resources_that_use_what_the_group_protects():
    module = module_of(
        NETWORK
        + """
resource "aws_db_instance" "db" {
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_instance" "app" {
  vpc_security_group_ids = [aws_security_group.app.id]
  user_data              = "DB=${aws_db_instance.db.address}"
}

resource "aws_instance" "idle" {
  vpc_security_group_ids = [aws_security_group.app.id, aws_security_group.db.id]
}
"""
    )
    assert consumers(module, "aws_security_group.db") == ["aws_security_group.app"]
    assert consumers(module, "aws_security_group.app") == []
    assert attached_groups(module, module.find("aws_instance.idle")) == [
        "aws_security_group.app",
        "aws_security_group.db",
    ]


# --- ports and targets as source to copy -------------------------------------------------------------


def test_rule_ports_are_copied_as_written_unless_they_depend_on_an_iterator():
    module = module_of(
        'variable "port" {\n  default = 8443\n}\n'
        """
resource "aws_security_group" "app" {
  ingress {
    protocol  = "tcp"
    from_port = var.port
    to_port   = var.port
  }
  dynamic "ingress" {
    for_each = [22]
    content {
      protocol  = "tcp"
      from_port = ingress.value
      to_port   = ingress.value
    }
  }
}
"""
    )
    group = module.find("aws_security_group.app")
    ports = rule_ports(group.nested("ingress")[0], "protocol")
    assert (ports.protocol, ports.from_port, ports.label) == ('"tcp"', "var.port", "TCP 8443")
    content = group.dynamic("ingress")[0].nested("content")[0]
    assert rule_ports(content, "protocol") is None
    assert rule_ports(content, "protocol", {"ingress": {"key": 0, "value": 22}}).label == "SSH 22"


def test_the_vpc_cidr_is_known_only_from_a_vpc_of_the_module_or_a_data_source():
    module = module_of(
        NETWORK + 'variable "vpc" {}\nresource "aws_security_group" "ext" {\n  vpc_id = var.vpc\n}\n'
    )
    assert vpc_cidr(module, module.find("aws_security_group.app")).source == "aws_vpc.main.cidr_block"
    assert vpc_cidr(module, module.find("aws_security_group.ext")) is None
