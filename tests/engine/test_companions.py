"""A companion resource (a bucket's versioning, a database's monitoring role) gets one instance per
instance of the resource it serves, keyed alike: the served block's count/for_each copied as text,
the served resource indexed with count.index/each.key. A copy that would not mean the same is
refused, and the rule then offers no fix."""

from fixers.companions import instance_ref, meta_arguments, uncopyable_meta
from fixers.hcl.source import decode
from fixers.module import Module, parse_file


def served(text: str, address: str = "aws_s3_bucket.b"):
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])
    return module, module.find(address)


def test_for_each_is_copied_and_the_served_resource_indexed_by_each_key():
    module, block = served('resource "aws_s3_bucket" "b" {\n  for_each = var.teams\n}\n')
    assert meta_arguments(block) == [("for_each", "var.teams")]
    assert instance_ref(block) == "aws_s3_bucket.b[each.key].id"
    assert instance_ref(block, "arn", "aws_iam_role.r") == "aws_iam_role.r[each.key].arn"
    assert uncopyable_meta(module, block) is None


def test_count_is_copied_and_indexed_by_count_index():
    module, block = served('resource "aws_s3_bucket" "b" {\n  count = var.n\n}\n')
    assert meta_arguments(block) == [("count", "var.n")]
    assert instance_ref(block, "arn") == "aws_s3_bucket.b[count.index].arn"
    assert uncopyable_meta(module, block) is None


def test_a_resource_without_count_or_for_each_needs_neither():
    module, block = served('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    assert meta_arguments(block) == []
    assert instance_ref(block) == "aws_s3_bucket.b.id"
    assert uncopyable_meta(module, block) is None


def test_a_multi_line_for_each_comes_relative_to_column_0_comments_kept():
    module, block = served(
        'resource "aws_s3_bucket" "b" {\n'
        "  for_each = {\n"
        "    for k, v in var.teams : k => v\n"
        "\n"
        '    if v != "" # not migrated yet\n'
        "  }\n"
        "}\n"
    )
    assert meta_arguments(block) == [
        ("for_each", '{\n  for k, v in var.teams : k => v\n\n  if v != "" # not migrated yet\n}')
    ]
    assert uncopyable_meta(module, block) is None


def test_heredoc_text_at_column_0_is_not_re_indented_but_refused():
    module, block = served(
        'resource "aws_s3_bucket" "b" {\n'
        '  for_each = toset(split("\\n", trimspace(<<EOT\n'
        "payments\n"
        "EOT\n"
        "  )))\n"
        "}\n"
    )
    assert uncopyable_meta(module, block) == (
        "its for_each spans lines indented less than the argument, which a copy would re-indent"
    )


def test_a_heredoc_in_a_block_indented_otherwise_than_the_companion_is_refused():
    module, block = served(
        'resource "aws_s3_bucket" "b" {\n'
        '    for_each = toset(split("\\n", <<-EOT\n'
        "      payments\n"
        "    EOT\n"
        "    ))\n"
        "}\n"
    )
    assert uncopyable_meta(module, block) is not None


def test_each_count_or_self_in_the_meta_argument_is_refused():
    # Terraform rejects these in count/for_each; a copy would spread the error to a new resource.
    for text in ("for_each = each.value", "count = count.index", "for_each = self.tags"):
        module, block = served(f'resource "aws_s3_bucket" "b" {{\n  {text}\n}}\n')
        reason = uncopyable_meta(module, block)
        assert reason is not None and "which Terraform rejects there" in reason


def test_a_for_each_that_refers_to_the_served_resource_itself_is_refused():
    module, block = served(
        "locals {\n  names = keys(aws_s3_bucket.b)\n}\n\n"
        'resource "aws_s3_bucket" "b" {\n  for_each = toset(local.names)\n}\n'
    )
    assert uncopyable_meta(module, block) == "its for_each refers to aws_s3_bucket.b itself"
