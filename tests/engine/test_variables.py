"""Where `add_variables` declares the variables a fix introduces (TAP103, TAP404, TAP506 share it)."""

from fixers.edits import apply_edits
from fixers.hcl.source import decode
from fixers.module import Module, parse_file
from fixers.variables import add_variables, variable_block

NEW = variable_block("admin_cidr", "Who may reach SSH.", "string")


def fixed(files: dict[str, str], **kwargs) -> dict[str, str]:
    module = Module.build(".", [parse_file(decode(path, text.encode())) for path, text in files.items()])
    near = module.find(kwargs["near"]) if "near" in kwargs else None
    edits = add_variables(module, [NEW], near=near)
    paths = {e.path for e in edits}
    return {p: apply_edits(files.get(p, ""), [e for e in edits if e.path == p]) for p in paths}


def test_new_variables_follow_the_last_variable_of_the_variables_file_not_a_later_block():
    files = {
        "vars.tf": 'variable "region" {\n  type = string\n}\n\nlocals {\n  name = "x"\n}\n',
        "main.tf": 'resource "aws_s3_bucket" "b" {}\n',
    }
    assert fixed(files) == {
        "vars.tf": 'variable "region" {\n  type = string\n}\n\n'
        + NEW.render()
        + '\n\nlocals {\n  name = "x"\n}\n'
    }


def test_a_variables_file_without_variables_gets_them_at_its_end_without_a_second_blank_line():
    files = {"variables.tf": "# Inputs.\n\n", "main.tf": 'resource "aws_s3_bucket" "b" {}\n'}
    assert fixed(files) == {"variables.tf": "# Inputs.\n\n" + NEW.render() + "\n"}


def test_without_a_variables_file_they_go_above_the_block_that_uses_them_or_into_a_new_one():
    files = {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'}
    assert fixed(files, near="aws_s3_bucket.b") == {
        "main.tf": NEW.render() + '\n\nresource "aws_s3_bucket" "b" {}\n'
    }
    assert fixed(files) == {"variables.tf": NEW.render() + "\n"}
