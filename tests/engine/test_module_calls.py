"""A module call evaluates the called module with the call's arguments: a finding the called module
has only with the caller's values is reported at the called module's line, naming the call and the
inputs. A module scanned on its own keeps its defaults, and an unknown input never fires."""

from __future__ import annotations

import json
from pathlib import Path

from fixers.config import Config
from fixers.engine import scan
from fixers.workspace import discover

SG = """\
variable "ssh_cidr" {
  description = "Where administrators connect from."
  type        = string
  default     = "10.0.0.0/8"
}

resource "aws_security_group" "bastion" {
  name_prefix = "bastion-"
  description = "Bastion"
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = [var.ssh_cidr]
}
"""
SSH_LINE = 18  # cidr_blocks in SG


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def tap103(root: Path, scanned: Path | None = None) -> list[tuple[str, int, str]]:
    """(path, line, message) of the TAP103 findings of a scan of `scanned` (default: `root`)."""
    scanned = scanned or root
    report = scan(discover([scanned], scanned), Config(select=["TAP103"]), jobs=1)
    assert report.errors == []
    return [(f.path, f.line, f.message) for f in report.findings if f.rule_id == "TAP103"]


def call(name: str, source: str, body: str) -> str:
    return f'module "{name}" {{\n  source = "{source}"\n{body}}}\n'


def test_a_local_child_opened_to_the_world_by_its_caller_is_reported_at_the_childs_line(tmp_path):
    root = tree(
        tmp_path,
        {
            "main.tf": call("sg", "./modules/sg", '  ssh_cidr = "0.0.0.0/0"\n')
            + "\n"
            + call("office", "./modules/sg", '  ssh_cidr = "203.0.113.0/24"\n'),
            "modules/sg/main.tf": SG,
        },
    )
    [(path, line, message)] = tap103(root)
    assert (path, line) == ("modules/sg/main.tf", SSH_LINE)
    assert message.startswith("aws_security_group_rule.ssh admits 0.0.0.0/0 (cidr_blocks = [var.ssh_cidr])")
    assert message.endswith('(with the inputs of module.sg at main.tf:1: ssh_cidr = "0.0.0.0/0")')


def test_the_called_finding_has_no_fix_and_names_the_call_in_its_identity(tmp_path):
    root = tree(
        tmp_path,
        {"main.tf": call("sg", "./modules/sg", '  ssh_cidr = "0.0.0.0/0"\n'), "modules/sg/main.tf": SG},
    )
    report = scan(discover([root], root), Config(select=["TAP103"]), jobs=1)
    [finding] = report.findings
    assert finding.fix is None
    assert finding.fix_rejected == "the value comes from module.sg: change it where the module is called"
    assert finding.key.endswith("|.:module.sg")
    assert finding.related[-1] == "main.tf:1: module.sg"


def test_a_module_scanned_on_its_own_keeps_its_defaults(tmp_path):
    root = tree(
        tmp_path,
        {"main.tf": call("sg", "./modules/sg", '  ssh_cidr = "0.0.0.0/0"\n'), "modules/sg/main.tf": SG},
    )
    assert tap103(root, root / "modules" / "sg") == []
    open_default = SG.replace('default     = "10.0.0.0/8"', 'default     = "0.0.0.0/0"')
    tree(root, {"modules/sg/main.tf": open_default})
    # the module's own finding, once: scanned on its own (in the walk) and not again for the call
    [(path, line, message)] = tap103(root)
    assert (path, line) == ("modules/sg/main.tf", SSH_LINE) and "with the inputs" not in message


def test_an_input_the_caller_cannot_know_never_fires(tmp_path):
    root = tree(
        tmp_path,
        {
            "main.tf": 'variable "admin_cidr" {\n  type = string\n}\n\n'
            + call("sg", "./modules/sg", "  ssh_cidr = var.admin_cidr\n"),
            "modules/sg/main.tf": SG,
        },
    )
    assert tap103(root) == []


def test_for_each_on_the_call_reports_the_instance_that_opens_the_port(tmp_path):
    body = '  for_each = { prod = "0.0.0.0/0", dev = "10.1.0.0/16" }\n  ssh_cidr = each.value\n'
    root = tree(tmp_path, {"main.tf": call("sg", "./modules/sg", body), "modules/sg/main.tf": SG})
    [(_, line, message)] = tap103(root)
    assert line == SSH_LINE
    assert message.endswith('(with the inputs of module.sg["prod"] at main.tf:1: ssh_cidr = "0.0.0.0/0")')


def test_count_on_the_call_reports_the_instance_that_opens_the_port(tmp_path):
    body = '  count    = 2\n  ssh_cidr = ["10.1.0.0/16", "0.0.0.0/0"][count.index]\n'
    root = tree(tmp_path, {"main.tf": call("sg", "./modules/sg", body), "modules/sg/main.tf": SG})
    [(_, _, message)] = tap103(root)
    assert message.endswith('(with the inputs of module.sg[1] at main.tf:1: ssh_cidr = "0.0.0.0/0")')
    tree(root, {"main.tf": call("sg", "./modules/sg", body.replace("count    = 2", "count    = 0"))})
    assert tap103(root) == []


def test_a_chain_of_two_calls_carries_the_value_to_the_inner_module(tmp_path):
    app = 'variable "admin_cidr" {\n  type = string\n}\n\n' + call(
        "bastion", "../sg", "  ssh_cidr = var.admin_cidr\n"
    )
    root = tree(
        tmp_path,
        {
            "envs/prod/main.tf": call("app", "../../modules/app", '  admin_cidr = "0.0.0.0/0"\n'),
            "envs/dev/main.tf": call("app", "../../modules/app", '  admin_cidr = "10.2.0.0/16"\n'),
            "modules/app/main.tf": app,
            "modules/sg/main.tf": SG,
        },
    )
    [(path, line, message)] = tap103(root)
    assert (path, line) == ("modules/sg/main.tf", SSH_LINE)
    assert message.endswith(
        '(with the inputs of module.app -> module.bastion at envs/prod/main.tf:1: ssh_cidr = "0.0.0.0/0")'
    )


REGISTRY_CALL = call("ssh", "terraform-aws-modules/security-group/aws", '  ssh_cidr = "0.0.0.0/0"\n')


def test_a_registry_module_installed_by_terraform_init_is_followed(tmp_path):
    modules_json = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {
                "Key": "ssh",
                "Source": "registry.terraform.io/terraform-aws-modules/security-group/aws",
                "Version": "5.1.0",
                "Dir": ".terraform/modules/ssh",
            },
        ]
    }
    root = tree(
        tmp_path,
        {
            "main.tf": REGISTRY_CALL,
            ".terraform/modules/modules.json": json.dumps(modules_json),
            ".terraform/modules/ssh/main.tf": SG,
        },
    )
    [(path, line, message)] = tap103(root)
    assert (path, line) == (".terraform/modules/ssh/main.tf", SSH_LINE)
    assert message.endswith('(with the inputs of module.ssh at main.tf:1: ssh_cidr = "0.0.0.0/0")')


def test_a_registry_module_without_terraform_init_is_not_followed(tmp_path):
    root = tree(tmp_path, {"main.tf": REGISTRY_CALL})
    assert tap103(root) == []
    # an entry whose folder leaves the scanned directory is not read either
    tree(tmp_path.parent / "elsewhere", {"main.tf": SG})
    outside = {"Modules": [{"Key": "ssh", "Source": "x", "Dir": "../elsewhere"}]}
    tree(root, {".terraform/modules/modules.json": json.dumps(outside)})
    assert tap103(root) == []


def test_calls_out_of_the_scanned_folder_or_of_the_module_itself_are_not_followed(tmp_path):
    tree(tmp_path, {"shared/sg/main.tf": SG})
    root = tree(
        tmp_path / "live",
        {
            "main.tf": call("sg", "../shared/sg", '  ssh_cidr = "0.0.0.0/0"\n')
            + call("me", "./", '  ssh_cidr = "0.0.0.0/0"\n'),
        },
    )
    assert tap103(root) == []


RULES = Path(__file__).resolve().parents[1] / "rules"


def test_rule_fixtures_that_pass_values_to_a_local_module_now_report_what_the_values_cause():
    # These fixtures were "ok" while the module's inputs were ignored; each child reads its inputs.
    found = {}
    for rule, child in (("TAP221", "postgres"), ("TAP222", "mysql"), ("TAP223", "params")):
        directory = RULES / rule / "ok_module_call"
        report = scan(discover([directory], directory), Config(select=[rule]), jobs=1)
        found[rule] = [(f.path, f.line, f.message.rsplit(" (with the inputs", 1)[1]) for f in report.findings]
        assert all(path.startswith(child + "/") for path, _, _ in found[rule])
    assert found == {
        "TAP221": [
            (
                "postgres/main.tf",
                21,
                ' of module.analytics_db at main.tf:1: identifier = "analytics", '
                'final_snapshot_identifier = "analytics-final")',
            )
        ],
        "TAP222": [
            (
                "mysql/main.tf",
                27,
                ' of module.audit_db at main.tf:1: identifier = "audit-mysql", monitoring_interval = 0)',
            )
        ],
        "TAP223": [
            (
                "params/main.tf",
                17,
                ' of module.db_parameters at main.tf:1: name = "billing-mysql80", family = "mysql8.0")',
            )
        ],
    }


NET = 'variable "admin_cidr" {\n  type = string\n}\n\noutput "admin_cidr" {\n  value = var.admin_cidr\n}\n'
ROOT_RULE = """\
resource "aws_security_group" "bastion" {
  name_prefix = "bastion-"
  description = "Bastion"
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = [module.net.admin_cidr]
}
"""


def test_an_output_of_a_followed_call_has_the_called_modules_value(tmp_path):
    net_call = call("net", "./modules/net", '  admin_cidr = "0.0.0.0/0"\n')
    root = tree(tmp_path, {"main.tf": ROOT_RULE + "\n" + net_call, "modules/net/main.tf": NET})
    [(path, line, message)] = tap103(root)
    assert (path, line) == ("main.tf", 12)
    assert "admits 0.0.0.0/0 (cidr_blocks = [module.net.admin_cidr])" in message
    assert "with the inputs" not in message  # the root's own resource


def test_an_output_of_a_call_not_followed_or_with_count_is_unknown(tmp_path):
    counted = call("net", "./modules/net", '  count      = 1\n  admin_cidr = "0.0.0.0/0"\n')
    root = tree(tmp_path, {"main.tf": ROOT_RULE + "\n" + counted, "modules/net/main.tf": NET})
    assert tap103(root) == []
    registry = call("net", "acme/net/aws", '  admin_cidr = "0.0.0.0/0"\n')
    tree(root, {"main.tf": ROOT_RULE + "\n" + registry})
    assert tap103(root) == []
    cycle = call("net", "./modules/net", "  admin_cidr = module.net.admin_cidr\n")
    tree(root, {"main.tf": ROOT_RULE + "\n" + cycle})
    assert tap103(root) == []


def test_a_folder_called_from_several_calls_is_read_from_disk_once_per_scan(tmp_path, monkeypatch):
    import fixers.workspace as workspace

    reads: list[str] = []
    real = workspace.read_module

    def counting(folder, *args, **kwargs):
        reads.append(Path(folder).relative_to(tmp_path).as_posix())
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(workspace, "read_module", counting)
    root = tree(
        tmp_path,
        {
            "main.tf": call("sg", "./modules/sg", '  ssh_cidr = "0.0.0.0/0"\n')
            + "\n"
            + call("office", "./modules/sg", '  ssh_cidr = "203.0.113.0/24"\n'),
            "modules/sg/main.tf": SG,
        },
    )
    [(path, line, _message)] = tap103(root)
    assert (path, line) == ("modules/sg/main.tf", SSH_LINE)  # the findings are those of the first test
    assert reads.count("modules/sg") == 1 + 1  # the module scanned on its own, then once for both calls
