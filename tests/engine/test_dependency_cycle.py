"""ReferenceGraph.cycle finds the loops `terraform validate` reports as "Cycle: ...", and only those."""

from __future__ import annotations

from fixers.engine import load
from fixers.workspace import ModuleInput


def cycle(text: str):
    return load(ModuleInput(path=".", files={"main.tf": text.encode()})).module.reference_graph().cycle()


def test_references_and_depends_on_in_a_loop_are_a_cycle():
    assert cycle(
        'resource "aws_s3_bucket" "b" {\n  bucket = aws_lb.l.name\n}\n'
        'resource "aws_lb" "l" {\n  name = "l"\n  depends_on = [aws_s3_bucket.b]\n}\n'
    ) == ["aws_lb.l", "aws_s3_bucket.b", "aws_lb.l"]


def test_a_loop_through_locals_is_a_cycle_but_locals_of_one_block_are_separate_nodes():
    assert cycle(
        'locals {\n  name = aws_lb.l.name\n  other = "x"\n}\n'
        'resource "aws_lb" "l" {\n  name = local.name\n}\n'
    ) == ["aws_lb.l", "local.name", "aws_lb.l"]
    # One locals block reading a resource that reads another local of the same block: no loop.
    assert (
        cycle(
            'locals {\n  name = "x"\n  arn = aws_lb.l.arn\n}\n'
            'resource "aws_lb" "l" {\n  name = local.name\n}\n'
        )
        is None
    )


def test_chains_meta_arguments_and_lifecycle_names_are_no_cycle():
    assert (
        cycle(
            'variable "n" {\n  type = number\n}\n'
            'resource "aws_s3_bucket" "b" {\n  count = var.n\n  bucket = "b-${count.index}"\n'
            "  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n"
            'resource "aws_s3_bucket_versioning" "v" {\n  count = var.n\n'
            "  bucket = aws_s3_bucket.b[count.index].id\n  depends_on = [aws_s3_bucket.b]\n}\n"
            'output "ids" {\n  value = aws_s3_bucket_versioning.v[*].id\n}\n'
        )
        is None
    )
