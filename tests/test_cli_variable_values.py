"""Variable values from outside the module's folder, with Terraform's precedence (lowest first):
TF_VAR_* environment variables, terraform.tfvars, *.auto.tfvars in lexical order, then each
--var-file in the order given."""

from __future__ import annotations

import json
import os

import pytest

from bot.command_line import main

MODULE = """\
variable "admin_cidr" {
  type = string
}

variable "admin_cidrs" {
  type    = list(string)
  default = []
}

resource "aws_security_group" "ops" {
  name_prefix = "ops-"
  description = "Ops hosts"
}

resource "aws_security_group_rule" "ops_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.ops.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = concat([var.admin_cidr], var.admin_cidrs)
}
"""
WORLD = 'admin_cidr = "0.0.0.0/0"\n'
OFFICE = 'admin_cidr = "203.0.113.0/24"\n'


def scan(capsys, root, *extra: str) -> list[dict]:
    code = main(["scan", str(root), "--select", "TAP103", "--format", "json", *extra])
    out, _ = capsys.readouterr()
    assert code in (0, 1), out
    return json.loads(out)["findings"]


@pytest.fixture
def module(tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("TF_VAR_")]:
        monkeypatch.delenv(name)
    root = tmp_path / "ops"
    root.mkdir()
    (root / "main.tf").write_text(MODULE)
    return root


def test_without_a_value_the_cidr_is_unknown_and_nothing_is_reported(module, capsys):
    assert scan(capsys, module) == []


def test_a_var_file_gives_the_value(module, tmp_path, capsys):
    (tmp_path / "prod.tfvars").write_text(WORLD)
    [finding] = scan(capsys, module, "--var-file", str(tmp_path / "prod.tfvars"))
    assert finding["rule_id"] == "TAP103" and finding["resource"] == "aws_security_group_rule.ops_ssh"
    assert "0.0.0.0/0" in finding["message"]


def test_a_later_var_file_wins(module, tmp_path, capsys):
    (tmp_path / "world.tfvars").write_text(WORLD)
    (tmp_path / "office.tfvars").write_text(OFFICE)
    world, office = str(tmp_path / "world.tfvars"), str(tmp_path / "office.tfvars")
    assert scan(capsys, module, "--var-file", world, "--var-file", office) == []
    assert len(scan(capsys, module, "--var-file", office, "--var-file", world)) == 1


def test_tf_var_environment_variables_give_values_below_every_tfvars_file(module, monkeypatch, capsys):
    monkeypatch.setenv("TF_VAR_admin_cidr", "0.0.0.0/0")
    assert len(scan(capsys, module)) == 1
    (module / "terraform.tfvars").write_text(OFFICE)
    assert scan(capsys, module) == []


def test_a_tf_var_of_a_collection_type_is_read_as_an_hcl_expression(module, monkeypatch, capsys):
    monkeypatch.setenv("TF_VAR_admin_cidr", "10.0.0.0/8")
    monkeypatch.setenv("TF_VAR_admin_cidrs", '["192.0.2.0/24", "0.0.0.0/0"]')
    assert len(scan(capsys, module)) == 1
    monkeypatch.setenv("TF_VAR_admin_cidrs", '["192.0.2.0/24"]')
    assert scan(capsys, module) == []


def test_a_string_tf_var_is_taken_as_text_never_evaluated(module, monkeypatch, capsys):
    monkeypatch.setenv("TF_VAR_admin_cidr", '${"0.0.0.0/0"}')  # a literal text, not an interpolation
    assert scan(capsys, module) == []


def test_auto_tfvars_override_terraform_tfvars_in_lexical_order(module, capsys):
    # a.auto.tfvars sorts before terraform.tfvars in the folder: it must still win over it.
    (module / "terraform.tfvars").write_text(WORLD)
    (module / "a.auto.tfvars").write_text(OFFICE)
    assert scan(capsys, module) == []
    (module / "b.auto.tfvars").write_text(WORLD)
    assert len(scan(capsys, module)) == 1


def test_a_var_file_overrides_the_folders_tfvars(module, tmp_path, capsys):
    (module / "terraform.tfvars").write_text(OFFICE)
    (module / "z.auto.tfvars").write_text(OFFICE)
    (tmp_path / "prod.tfvars").write_text(WORLD)
    assert len(scan(capsys, module, "--var-file", str(tmp_path / "prod.tfvars"))) == 1


def test_a_var_file_that_does_not_parse_is_a_located_usage_error(module, tmp_path, capsys):
    (tmp_path / "bad.tfvars").write_text('admin_cidr = "0.0.0.0/0"\nregion = \n')
    code = main(["scan", str(module), "--var-file", str(tmp_path / "bad.tfvars")])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"--var-file {tmp_path / 'bad.tfvars'}:2:10: unexpected line break, expected an expression" in err
    assert "Traceback" not in err


def test_a_missing_var_file_is_a_usage_error(module, tmp_path, capsys):
    code = main(["scan", str(module), "--var-file", str(tmp_path / "missing.tfvars")])
    _, err = capsys.readouterr()
    assert code == 2 and "missing.tfvars: No such file or directory" in err
