"""The reference graph (fixers.semantic.references): addresses read from references and from text,
who refers to what in both directions, reach through locals, and dependency cycles."""

from __future__ import annotations

import pytest

from fixers.evaluate import UNKNOWN, Index
from fixers.hcl.source import decode
from fixers.module import Module, parse_file
from fixers.semantic.references import Address, mentions_in, sole_reference


def module_of(text: str) -> Module:
    return Module.build(".", [parse_file(decode("main.tf", text.encode()))])


def expression(text: str):
    return module_of(f"locals {{\n  x = {text}\n}}\n").locals["x"].expr


# --- Address -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected", "spelled"),
    [
        (("aws_s3_bucket", "logs", "id"), Address("resource", "aws_s3_bucket", "logs"), "aws_s3_bucket.logs"),
        (
            ("aws_s3_bucket", "b", Index(0), "arn"),
            Address("resource", "aws_s3_bucket", "b", 0),
            "aws_s3_bucket.b[0]",
        ),
        (
            ("aws_s3_bucket", "b", Index("k")),
            Address("resource", "aws_s3_bucket", "b", "k"),
            'aws_s3_bucket.b["k"]',
        ),
        (
            ("data", "aws_iam_policy_document", "p", "json"),
            Address("data", "aws_iam_policy_document", "p"),
            "data.aws_iam_policy_document.p",
        ),
        (("var", "name"), Address("var", "", "name"), "var.name"),
        (("local", "tags", "Name"), Address("local", "", "tags"), "local.tags"),
        (("module", "vpc", "vpc_id"), Address("module", "", "vpc", None, "vpc_id"), "module.vpc.vpc_id"),
        (("module", "m", Index(2), "out"), Address("module", "", "m", 2, "out"), "module.m[2].out"),
        (("module", "m"), Address("module", "", "m"), "module.m"),
        (
            ("ephemeral", "random_password", "p", "result"),
            Address("ephemeral", "random_password", "p"),
            "ephemeral.random_password.p",
        ),
    ],
)
def test_an_address_is_read_from_a_reference_and_spelled_as_terraform_does(parts, expected, spelled):
    address = Address.from_traversal(parts)
    assert address == expected
    assert str(address) == spelled
    assert Address.parse(spelled) == expected


@pytest.mark.parametrize(
    "parts",
    [
        ("count", "index"),
        ("each", "key"),
        ("self", "id"),
        ("path", "module"),
        ("terraform", "workspace"),
        ("data", "aws_ami"),
        ("aws_s3_bucket",),
        ("aws_s3_bucket", Index(0)),
        (),
    ],
)
def test_references_that_name_nothing_in_the_module_have_no_address(parts):
    assert Address.from_traversal(parts) is None


def test_a_computed_instance_key_is_unknown_and_left_out_of_the_spelling():
    [(address, rest)] = mentions_in(expression("aws_instance.web[count.index].id"))[:1]
    assert address.key is UNKNOWN and rest == ("id",)
    assert str(address) == address.node == "aws_instance.web"


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("module.x", "module.x"),
        ("data.aws_iam_policy_document.p", "data.aws_iam_policy_document.p"),
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b"),
        ('aws_s3_bucket.b["a.b"]', "aws_s3_bucket.b"),
        ("output.name", "output.name"),
        ("provider.aws", "provider.aws"),
        ("  var.region ", "var.region"),
    ],
)
def test_text_addresses_parse_to_the_node_the_module_knows(text, node):
    address = Address.parse(text)
    assert address is not None and address.node == node


@pytest.mark.parametrize(
    "text",
    [
        "",
        "aws_s3_bucket",
        "aws_s3_bucket.b.id",
        ".aws_s3_bucket.b",
        "aws_s3_bucket.b[",
        "count.index",
        "data.aws_ami",
        "aws_s3_bucket b",
        "aws_s3_bucket.b[x]",
        "1abc.b",
    ],
)
def test_text_that_is_no_address_parses_to_none(text):
    assert Address.parse(text) is None


def test_the_output_kind_and_key_of_a_module_address_are_typed():
    address = Address.parse('module.app["blue"].url')
    assert (address.kind, address.name, address.key, address.output) == ("module", "app", "blue", "url")
    assert address.node == "module.app"


# --- mentions in expressions --------------------------------------------------------------------


def test_legacy_interpolation_and_heredoc_templates_mention_what_the_bare_reference_does():
    bare = mentions_in(expression("aws_security_group.alb.id"))
    legacy = mentions_in(expression('"${aws_security_group.alb.id}"'))
    heredoc = mentions_in(expression("<<EOT\nhost=${aws_db_instance.main.address}\nEOT"))
    assert bare == legacy and [str(m.address) for m in bare] == ["aws_security_group.alb"]
    assert bare[0].rest == ("id",)
    assert [(str(m.address), m.rest) for m in heredoc] == [("aws_db_instance.main", ("address",))]


def test_references_inside_an_index_are_mentions_too():
    found = mentions_in(expression("aws_subnet.s[local.zone].id"))
    assert [m.address.node for m in found] == ["aws_subnet.s", "local.zone"]
    assert found[0].address.key is UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("var.x", "var.x"),
        ("aws_s3_bucket.b[0].id", "aws_s3_bucket.b[0]"),
        ("(var.x)", None),
        ('"${var.x}"', "var.x"),  # the legacy form is the reference itself
        ('"x${var.x}"', None),
        ("var.x + 1", None),
        ("upper(var.x)", None),
        ("count.index", None),
        ("1", None),
    ],
)
def test_a_sole_reference_is_an_expression_that_is_one_reference_and_nothing_else(text, expected):
    found = sole_reference(expression(text))
    assert (str(found.address) if found is not None else None) == expected


# --- the graph ----------------------------------------------------------------------------------

STACK = """
locals {
  name   = "app-${var.env}"
  bucket = aws_s3_bucket.logs
  arn    = local.bucket.arn
}

variable "env" {
  default = "dev"
}

resource "aws_s3_bucket" "logs" {
  bucket = local.name
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_iam_policy" "read" {
  policy = jsonencode({ Resource = local.arn })
}

module "app" {
  source = "./app"
  bucket = "${aws_s3_bucket.logs.bucket}"
}

output "url" {
  value = module.app.url
}
"""


def test_the_graph_lists_who_refers_to_a_block_and_what_a_block_refers_to():
    module = module_of(STACK)
    graph = module.reference_graph()
    assert graph is module.reference_graph()  # built once per module
    to_bucket = graph.references_to("aws_s3_bucket.logs")
    assert [(r.origin, r.attribute.name, r.rest) for r in to_bucket] == [
        ("local.bucket", "bucket", ()),
        ("aws_s3_bucket_versioning.logs", "bucket", ("id",)),
        ("module.app", "bucket", ("bucket",)),
    ]
    assert graph.references_to(Address.parse("aws_s3_bucket.logs[0]")) == to_bucket
    assert [r.target for r in graph.references_from("aws_s3_bucket.logs")] == ["local.name"]
    assert [r.target for r in graph.references_from("local.arn")] == ["local.bucket"]
    assert [str(r.address) for r in graph.references_from("output.url")] == ["module.app.url"]
    assert [r.origin for r in graph.references_to("module.app")] == ["output.url"]
    assert [b.address for b in graph.referrers(module.find("aws_s3_bucket.logs"))] == [
        "locals",
        "aws_s3_bucket_versioning.logs",
        "module.app",
    ]
    assert graph.references_to("aws_s3_bucket.missing") == []


def test_reach_follows_locals_to_the_blocks_and_variables_they_read():
    module = module_of(STACK)
    graph = module.reference_graph()
    policy = module.find("aws_iam_policy.read").get("policy")
    assert graph.reach(policy) == {"local.arn", "local.bucket", "aws_s3_bucket.logs"}
    bucket_name = module.find("aws_s3_bucket.logs").get("bucket")
    assert graph.reach(bucket_name) == {"local.name", "var.env"}


def test_users_are_the_blocks_reached_through_any_chain_of_locals():
    module = module_of(STACK)
    users = module.reference_graph().users("aws_s3_bucket.logs")
    assert sorted(b.address for b in users) == [
        "aws_iam_policy.read",
        "aws_s3_bucket_versioning.logs",
        "module.app",
    ]


def test_depends_on_goes_through_blocks_and_locals_but_not_backwards():
    graph = module_of(STACK).reference_graph()
    assert graph.depends_on("aws_iam_policy.read", "aws_s3_bucket.logs")
    assert graph.depends_on("local.arn", "aws_s3_bucket.logs")
    assert not graph.depends_on("aws_s3_bucket.logs", "aws_iam_policy.read")
    assert graph.cycle() is None


def test_instance_keys_from_count_and_for_each_are_kept_on_each_reference():
    module = module_of(
        'resource "aws_s3_bucket" "b" {\n  count  = 2\n  bucket = "b${count.index}"\n}\n'
        'resource "aws_s3_bucket_versioning" "first" {\n  bucket = aws_s3_bucket.b[0].id\n}\n'
        'resource "aws_s3_bucket_versioning" "each" {\n  count  = 2\n  bucket = aws_s3_bucket.b[count.index].id\n}\n'
        'resource "aws_s3_bucket" "k" {\n  for_each = toset(["a"])\n  bucket = each.key\n}\n'
        'resource "aws_s3_bucket_versioning" "k" {\n  bucket = aws_s3_bucket.k["a"].id\n}\n'
    )
    graph = module.reference_graph()
    assert [r.index for r in graph.references_to("aws_s3_bucket.b")] == [0, UNKNOWN]
    assert [str(r.address) for r in graph.references_to("aws_s3_bucket.k")] == ['aws_s3_bucket.k["a"]']


def test_a_loop_through_a_local_and_depends_on_is_the_cycle_terraform_reports():
    module = module_of(
        "locals {\n  name = aws_lb.l.name\n}\n"
        'resource "aws_s3_bucket" "b" {\n  bucket = local.name\n}\n'
        'resource "aws_lb" "l" {\n  name = "l"\n  depends_on = [aws_s3_bucket.b]\n}\n'
    )
    graph = module.reference_graph()
    assert graph.cycle() == ["aws_lb.l", "aws_s3_bucket.b", "local.name", "aws_lb.l"]
    assert graph.depends_on("aws_lb.l", "aws_lb.l")


def test_a_local_that_reads_itself_through_others_ends_reach_instead_of_recursing():
    module = module_of("locals {\n  a = local.b\n  b = [local.a, var.x]\n}\n")
    graph = module.reference_graph()
    assert graph.reach(module.locals["a"]) == {"local.a", "local.b", "var.x"}
    assert graph.cycle() == ["local.a", "local.b", "local.a"]


def test_reach_through_a_long_chain_of_locals_has_no_depth_limit():
    lines = [f"  l{i} = local.l{i + 1}" for i in range(30)] + ["  l30 = aws_s3_bucket.far.id"]
    module = module_of("locals {\n" + "\n".join(lines) + "\n}\n")
    assert "aws_s3_bucket.far" in module.reference_graph().reach(module.locals["l0"])


def test_an_attribute_outside_the_module_blocks_is_read_on_the_fly():
    module = module_of(STACK)
    other = module_of("locals {\n  x = local.name\n}\n").locals["x"]
    assert module.reference_graph().reach(other) == {"local.name", "var.env"}


def test_two_modules_with_the_same_text_each_get_references_to_their_own_blocks():
    text = 'resource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n}\n'
    first, second = module_of(text), module_of(text)
    [in_first] = first.references_to("aws_s3_bucket.b")
    [in_second] = second.references_to("aws_s3_bucket.b")
    assert in_first.source is first.find("aws_s3_bucket_versioning.v")
    assert in_second.source is second.find("aws_s3_bucket_versioning.v")
    assert in_first.attribute is not in_second.attribute
    edited = module_of(text.replace("aws_s3_bucket.b.id", "aws_s3_bucket.c.id"))
    assert edited.references_to("aws_s3_bucket.b") == []
    assert [r.origin for r in edited.references_to("aws_s3_bucket.c")] == ["aws_s3_bucket_versioning.v"]
