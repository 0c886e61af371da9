"""Edits are minimal and come out the way `terraform fmt` formats them."""

import os
import shutil
import subprocess

import pytest

from fixers.edits import (
    HclBlock,
    add_depends_on,
    apply_edits,
    insert_after,
    insert_nested_block,
    remove_attribute,
    set_attribute,
    update_attributes,
)
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def block_of(text: str, address: str):
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])
    return module.find(address)


def terraform_fmt(text: str) -> str:
    binary = shutil.which("terraform")
    if binary is None:
        message = "terraform CLI not on PATH (the machines and CI carry it at /usr/local/bin/terraform)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run([binary, "fmt", "-"], input=text, capture_output=True, text=True, check=True)
    return done.stdout


RESOURCE = """\
resource "aws_elasticache_replication_group" "redis" {
  # Cache for sessions.
  replication_group_id       = "sessions"
  description                = "sessions"
  transit_encryption_enabled = true
  tags = {
    Name = "x"
  }

  log_delivery_configuration {
    destination = "x"
  }
}
"""


def test_set_attribute_joins_the_alignment_chain_it_lands_in():
    block = block_of(RESOURCE, "aws_elasticache_replication_group.redis")
    new = apply_edits(
        RESOURCE,
        set_attribute(
            block, "auth_token", "random_password.redis.result", after="transit_encryption_enabled"
        ),
    )
    assert "  auth_token                 = random_password.redis.result\n" in new
    assert "  # Cache for sessions.\n" in new
    assert new == terraform_fmt(new)


def test_set_attribute_with_a_longer_name_realigns_its_neighbours_only():
    text = 'resource "x" "y" {\n  a  = 1\n  bb = 2\n\n  c = 3\n}\n'
    block = block_of(text, "x.y")
    new = apply_edits(text, set_attribute(block, "longer_name", "4", after="bb"))
    assert (
        new == 'resource "x" "y" {\n  a           = 1\n  bb          = 2\n  longer_name = 4\n\n  c = 3\n}\n'
    )
    assert new == terraform_fmt(new)


def test_set_attribute_replaces_an_existing_value_in_place():
    text = 'resource "x" "y" {\n  a = 1 # keep me\n}\n'
    new = apply_edits(text, set_attribute(block_of(text, "x.y"), "a", "2"))
    assert new == 'resource "x" "y" {\n  a = 2 # keep me\n}\n'


def test_set_attribute_in_an_empty_one_line_block():
    text = 'resource "x" "y" {}\n'
    new = apply_edits(text, set_attribute(block_of(text, "x.y"), "a", '"b"'))
    assert new == 'resource "x" "y" {\n  a = "b"\n}\n'
    assert new == terraform_fmt(new)


def test_set_attribute_before_nested_blocks_when_there_are_no_attributes():
    text = 'resource "x" "y" {\n  inner {\n    a = 1\n  }\n}\n'
    new = apply_edits(text, set_attribute(block_of(text, "x.y"), "name", '"n"'))
    assert new == 'resource "x" "y" {\n  name = "n"\n\n  inner {\n    a = 1\n  }\n}\n'
    assert new == terraform_fmt(new)


def test_removing_the_longest_name_realigns_the_rest():
    text = 'resource "x" "y" {\n  a           = 1\n  longer_name = 2\n  bb          = 3\n}\n'
    block = block_of(text, "x.y")
    new = apply_edits(text, remove_attribute(block.get("longer_name")))
    assert new == 'resource "x" "y" {\n  a  = 1\n  bb = 3\n}\n'
    assert new == terraform_fmt(new)


def test_rendered_blocks_are_fmt_clean_and_inserted_after_their_resource():
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n\n# next\nresource "x" "y" {}\n'
    block = block_of(text, "aws_s3_bucket.b")
    new_block = HclBlock(
        'resource "aws_s3_bucket_public_access_block" "b"',
        [
            ("bucket", "aws_s3_bucket.b.id"),
            ("block_public_acls", "true"),
            None,
            HclBlock("nested", [("k", '"v"'), ("list", "[\n  1,\n]")]),
        ],
    )
    new = apply_edits(text, [insert_after(block, new_block.render())])
    assert new == terraform_fmt(new)
    assert new.index("aws_s3_bucket_public_access_block") < new.index("# next")


def test_insert_nested_block_matches_the_body_indentation():
    text = 'resource "x" "y" {\n    a = 1\n}\n'
    block = block_of(text, "x.y")
    new = apply_edits(text, [insert_nested_block(block, HclBlock("inner", [("b", "2")]))])
    assert new == 'resource "x" "y" {\n    a = 1\n    inner {\n      b = 2\n    }\n}\n'


def test_crlf_files_keep_their_line_endings():
    text = 'resource "x" "y" {\r\n  a = 1\r\n}\r\n'
    source = decode("main.tf", text.encode())
    module = Module.build(".", [parse_file(source)])
    edits = set_attribute(module.find("x.y"), "bb", "2")
    new = apply_edits(source.text, edits, source.newline)
    assert new == 'resource "x" "y" {\r\n  a  = 1\r\n  bb = 2\r\n}\r\n'


DEPENDS = """\
resource "aws_lb" "web" {
  name = "web"
{depends}}}
"""


@pytest.mark.parametrize(
    ("depends", "expected"),
    [
        ("", '  name = "web"\n\n  depends_on = [aws_s3_bucket_policy.logs]\n}\n'),
        (
            "  depends_on = [aws_s3_bucket_policy.logs_old]\n",
            "  depends_on = [aws_s3_bucket_policy.logs_old, aws_s3_bucket_policy.logs]\n}\n",
        ),
        (
            "  depends_on = [\n    aws_iam_role.x\n  ]\n",
            "  depends_on = [\n    aws_iam_role.x,\n    aws_s3_bucket_policy.logs,\n  ]\n}\n",
        ),
        ("  depends_on = [aws_s3_bucket_policy.logs]\n", None),
    ],
)
def test_add_depends_on_appends_to_the_list_or_adds_a_paragraph_once(depends, expected):
    text = DEPENDS.replace("{depends}", depends).replace("}}", "}")
    edits = add_depends_on(block_of(text, "aws_lb.web"), "aws_s3_bucket_policy.logs")
    if expected is None:
        assert edits == []
    else:
        assert apply_edits(text, edits).endswith(expected)


def test_update_attributes_inserts_after_the_given_attribute_aligned_with_the_run_it_joins():
    text = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  port   = 5432\n\n  tags = {}\n}\n'
    block = block_of(text, "aws_db_instance.db")
    edits = update_attributes(block, [("monitoring_interval", "60")], after=block.get("engine"))
    assert apply_edits(text, edits) == (
        'resource "aws_db_instance" "db" {\n'
        '  engine              = "postgres"\n'
        "  monitoring_interval = 60\n"
        "  port                = 5432\n"
        "\n"
        "  tags = {}\n"
        "}\n"
    )


def test_a_string_built_from_an_attribute_copies_its_source_without_a_reference_to_its_block():
    from fixers.edits import string_with

    block = block_of(
        'resource "aws_instance" "web" {\n  name = "web-${var.env}"\n  tag = var.tag\n}\n', "aws_instance.web"
    )
    assert string_with(block.get("name"), prefix="/logs/") == '"/logs/web-${var.env}"'
    assert string_with(block.get("tag"), suffix="-x") == '"${var.tag}-x"'
    assert string_with(None, prefix="${lit}", fallback='a"b') == '"$${lit}a\\"b"'


def test_a_source_naming_count_each_or_self_is_not_reusable_in_another_resource():
    from fixers.edits import reusable_source

    block = block_of(
        'resource "aws_instance" "web" {\n  a = "x-${count.index}"\n  b = var.x\n  c = { k = each.key }\n}\n',
        "aws_instance.web",
    )
    assert not reusable_source(block.get("a"))
    assert reusable_source(block.get("b"))
    assert not reusable_source(block.get("c"))
    assert not reusable_source(block.get("c").expression.get("k"))
