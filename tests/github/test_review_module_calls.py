"""The review follows a touched module's calls of local modules, as `tapfix scan` does: a PR that
opens a called module to the world through a call's argument gets a finding at the called module's
line, caused by the argument it changed; what the call caused before the PR is not new; a source
that leaves the repository, a link and a registry module are not read."""

from __future__ import annotations

import json
import os

from bot.github import snapshot
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree

SELECT_TAP103 = "select: [TAP103]\n"
SG = """\
variable "ssh_cidr" {
  description = "Where administrators connect from."
  type        = string
  default     = "%(default)s"
}

variable "name" {
  type    = string
  default = "bastion"
}

resource "aws_security_group" "bastion" {
  name_prefix = "${var.name}-"
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
SSH_LINE = 23  # cidr_blocks in SG
CALLER = """\
module "bastion" {
  source   = "%(source)s"
  name     = "%(name)s"
  ssh_cidr = "%(cidr)s"
}
"""
CIDR_LINE = 4  # ssh_cidr in CALLER


def _sg(default: str = "10.0.0.0/8") -> str:
    return SG % {"default": default}


def _caller(cidr: str, source: str = "./modules/sg", name: str = "bastion") -> str:
    return CALLER % {"source": source, "name": name, "cidr": cidr}


def _pr(
    github, tmp_path, base: dict[str, str], head: dict[str, str], workspace: dict[str, str] | None = None
):
    """The fake PR (every file at both commits, through the contents API) and its checkout."""
    fake = github.fake
    fake.files = changed_entries(base, head)
    for ref, files in ((fake.head_sha, head), (fake.base_sha, base)):
        for path, text in files.items():
            fake.contents[(ref, path)] = text.encode()
    ws = write_tree(
        tmp_path / "ws", {**(head if workspace is None else workspace), ".tapfix.yml": SELECT_TAP103}
    )
    return fake, ws


def _reads(fake, folder: str) -> list[tuple[str, str]]:
    """(path, ref) of the contents API requests under `folder`."""
    return [
        (c.path.split("/contents/", 1)[1], c.query.get("ref", ["?"])[0])
        for c in fake.calls
        if c.operation == "repos/get-content" and f"/contents/{folder}" in c.path
    ]


def test_a_caller_opening_ssh_through_a_changed_argument_gets_the_child_finding_caused_by_that_line(
    github, tmp_path, capsys
):
    base = {"main.tf": _caller("10.0.0.0/8"), "modules/sg/main.tf": _sg()}
    head = {"main.tf": _caller("0.0.0.0/0"), "modules/sg/main.tf": _sg()}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "1"
    [summary] = fake.issue_comments
    body = summary["body"]
    assert f"`modules/sg/main.tf:{SSH_LINE}`" in body
    assert 'with the inputs of module.bastion at main.tf:1: ssh_cidr = "0.0.0.0/0")' in body
    # The cause is the argument the PR changed, not the call's first line.
    assert f"caused by [`main.tf:{CIDR_LINE}`]" in body
    # The child's line is in no diff: no inline comment; and no fix (the value is the caller's).
    assert fake.review_comments == [] and "| not on the diff |" in body
    assert "Fix for" not in body


def test_a_caller_setting_a_safe_argument_gets_no_finding(github, tmp_path, capsys):
    base = {"main.tf": _caller("10.0.0.0/8"), "modules/sg/main.tf": _sg()}
    head = {"main.tf": _caller("203.0.113.0/24"), "modules/sg/main.tf": _sg()}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert "pre-existing" not in run.job_summary


def test_what_the_call_caused_before_the_pr_is_not_new(github, tmp_path, capsys):
    # The call already opened SSH at the base; the PR changes another argument of the same call.
    base = {"main.tf": _caller("0.0.0.0/0"), "modules/sg/main.tf": _sg()}
    head = {"main.tf": _caller("0.0.0.0/0", name="jump"), "modules/sg/main.tf": _sg()}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert fake.review_comments == []
    assert (
        "1 pre-existing finding (1 high) in the touched modules is on the base branch too" in run.job_summary
    )


def test_a_finding_the_called_module_has_with_its_own_defaults_is_not_the_callers(github, tmp_path, capsys):
    # The untouched child opens SSH with its own default, which the call does not set.
    caller = 'module "bastion" {\n  source = "./modules/sg"\n  name   = "%s"\n}\n'
    base = {"main.tf": caller % "bastion", "modules/sg/main.tf": _sg("0.0.0.0/0")}
    head = {"main.tf": caller % "jump", "modules/sg/main.tf": _sg("0.0.0.0/0")}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert "pre-existing" not in run.job_summary


def test_a_chain_of_two_calls_is_followed(github, tmp_path, capsys):
    app = 'variable "admin_cidr" {\n  type = string\n}\n\nmodule "sg" {\n  source   = "../sg"\n  ssh_cidr = var.admin_cidr\n}\n'
    root = 'module "app" {\n  source     = "./modules/app"\n  admin_cidr = "%s"\n}\n'
    base = {"main.tf": root % "10.0.0.0/8", "modules/app/main.tf": app, "modules/sg/main.tf": _sg()}
    head = {**base, "main.tf": root % "0.0.0.0/0"}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "1"
    body = fake.issue_comments[0]["body"]
    assert (
        f"`modules/sg/main.tf:{SSH_LINE}`" in body
        and "with the inputs of module.app -> module.sg at main.tf:1" in body
    )
    assert "caused by [`main.tf:3`]" in body


def test_a_called_module_the_checkout_lacks_is_read_at_the_head_only(github, tmp_path, capsys):
    base = {"main.tf": _caller("10.0.0.0/8"), "modules/sg/main.tf": _sg()}
    head = {"main.tf": _caller("0.0.0.0/0"), "modules/sg/main.tf": _sg()}
    fake, ws = _pr(github, tmp_path, base, head, workspace={"main.tf": head["main.tf"]})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "1"
    # The folder's listing and its file at the head; the base is the head (the PR did not change it).
    assert sorted(_reads(fake, "modules/sg")) == [
        ("modules/sg", fake.head_sha),
        ("modules/sg/main.tf", fake.head_sha),
    ]


def test_a_source_that_leaves_the_repository_is_not_read(github, tmp_path, capsys):
    write_tree(tmp_path / "outside" / "sg", {"main.tf": _sg()})  # next to the checkout
    base = {"main.tf": _caller("10.0.0.0/8", source="../outside/sg")}
    head = {"main.tf": _caller("0.0.0.0/0", source="../outside/sg")}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert _reads(fake, "outside") == [] and _reads(fake, "..") == []


def test_a_called_folder_that_is_a_link_out_of_the_checkout_is_not_read(github, tmp_path, capsys):
    write_tree(tmp_path / "outside" / "sg", {"main.tf": _sg()})
    base = {"main.tf": _caller("10.0.0.0/8")}
    head = {"main.tf": _caller("0.0.0.0/0")}
    fake, ws = _pr(github, tmp_path, base, head)
    (ws / "modules").mkdir()
    os.symlink(tmp_path / "outside" / "sg", ws / "modules" / "sg")

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert _reads(fake, "modules") == []  # nor asked of GitHub


def test_a_called_folder_github_does_not_list_as_a_folder_is_unknown():
    class Api:  # GitHub answers a symbolic link's path with the link itself: not a listing
        def directory(self, path, ref):
            return None

        def file_content(self, path, ref):
            raise AssertionError("nothing of a folder GitHub does not list is fetched")

    snapshots = snapshot.Snapshots(
        head=[snapshot.ModuleInput(path=".", files={"main.tf": _caller("0.0.0.0/0").encode()})],
        base=[],
        head_texts={},
        changed={},
    )
    snapshot._CalledModules(snapshots, {}, None, Api(), "a" * 40, "b" * 40, []).attach()
    assert snapshots.head[0].modules is None


def test_a_registry_module_is_unknown_even_when_terraform_init_ran_in_the_checkout(github, tmp_path, capsys):
    source = "terraform-aws-modules/security-group/aws"
    base = {"main.tf": _caller("10.0.0.0/8", source=source)}
    head = {"main.tf": _caller("0.0.0.0/0", source=source)}
    fake, ws = _pr(github, tmp_path, base, head)
    installed = {"Modules": [{"Key": "bastion", "Source": source, "Dir": ".terraform/modules/bastion"}]}
    write_tree(
        ws,
        {
            ".terraform/modules/modules.json": json.dumps(installed),
            ".terraform/modules/bastion/main.tf": _sg(),
        },
    )

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    # `.terraform` is the runner's, not the PR's: its modules are read at neither end.
    assert run.outputs["new-findings"] == "0"
    assert "pre-existing" not in run.job_summary


def test_called_modules_past_the_folder_limit_are_not_read_and_the_summary_says_so(
    github, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(snapshot, "MAX_CALLED_FOLDERS", 0)
    base = {"main.tf": _caller("10.0.0.0/8"), "modules/sg/main.tf": _sg()}
    head = {"main.tf": _caller("0.0.0.0/0"), "modules/sg/main.tf": _sg()}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert "1 called module was not read (past the review's limits on called modules)" in run.job_summary


def test_a_called_folder_over_the_byte_limit_is_not_downloaded(github, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_CALLED_BYTES", len(_sg()) - 1)
    base = {"main.tf": _caller("10.0.0.0/8"), "modules/sg/main.tf": _sg()}
    head = {"main.tf": _caller("0.0.0.0/0"), "modules/sg/main.tf": _sg()}
    fake, ws = _pr(github, tmp_path, base, head, workspace={"main.tf": head["main.tf"]})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert _reads(fake, "modules/sg") == [("modules/sg", fake.head_sha)]  # the listing, no file
    assert "1 called module was not read" in run.job_summary


# --- callers of a module the PR changes ------------------------------------------------------

FIXED_CIDR = 'cidr_blocks       = ["10.0.0.0/8"]'
VAR_CIDR = "cidr_blocks       = [var.ssh_cidr]"


def _module_takes_the_input(callers: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(base, head) of a PR that changes only modules/sg: its rule takes the CIDR from the input
    instead of a fixed range. `callers`: folder -> the CIDR its (untouched) call passes."""
    calls = {
        f"{folder}/main.tf": _caller(cidr, source="../../modules/sg") for folder, cidr in callers.items()
    }
    base = {**calls, "modules/sg/main.tf": _sg().replace(VAR_CIDR, FIXED_CIDR)}
    return base, {**base, "modules/sg/main.tf": _sg()}


def test_a_changed_module_is_checked_with_the_inputs_of_its_callers_in_the_checkout(github, tmp_path, capsys):
    # The PR changes only the module: the rule now takes its CIDR from the input, which the root
    # (untouched) sets to the world.
    base, head = _module_takes_the_input({"live/prod": "0.0.0.0/0"})
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "1"
    # On the line the PR changed in the module: an inline comment naming the caller and its input.
    [comment] = fake.review_comments
    assert (comment["path"], comment["line"]) == ("modules/sg/main.tf", SSH_LINE)
    assert (
        'with the inputs of module.bastion at live/prod/main.tf:1: ssh_cidr = "0.0.0.0/0"' in comment["body"]
    )
    assert "No automatic fix: the value comes from module.bastion" in comment["body"]


def test_a_changed_module_whose_callers_pass_safe_inputs_gets_no_finding(github, tmp_path, capsys):
    base, head = _module_takes_the_input({"live/prod": "203.0.113.0/24"})
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert fake.review_comments == []


def test_what_a_caller_caused_before_the_pr_is_neither_new_nor_counted(github, tmp_path, capsys):
    # The root opened SSH through the module before the PR; the PR renames the group's prefix.
    base = {"live/prod/main.tf": _caller("0.0.0.0/0", source="../../modules/sg"), "modules/sg/main.tf": _sg()}
    head = {**base, "modules/sg/main.tf": _sg().replace('"${var.name}-"', '"${var.name}-ssh-"')}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert fake.review_comments == []
    assert "pre-existing" not in run.job_summary  # the caller is not a module the PR touches


def test_callers_are_looked_for_in_the_checkout_only(github, tmp_path, capsys):
    base, head = _module_takes_the_input({"live/prod": "0.0.0.0/0"})
    fake, ws = _pr(github, tmp_path, base, head, workspace={"modules/sg/main.tf": head["modules/sg/main.tf"]})

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"
    assert _reads(fake, "live") == []


def test_callers_past_the_files_looked_at_are_not_found_and_the_summary_says_so(
    github, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(snapshot, "MAX_INDEXED_FILES", 1)
    base, head = _module_takes_the_input({"stacks/prod": "0.0.0.0/0"})
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    # modules/sg/main.tf is the first file of the walk, stacks/prod/main.tf is not reached

    assert run.outputs["new-findings"] == "0"
    assert "looked for in the first 1 `.tf` files of the checkout only" in run.job_summary


def test_callers_past_the_caller_limit_are_not_checked_and_the_summary_says_so(
    github, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(snapshot, "MAX_CALLER_FOLDERS", 1)
    base, head = _module_takes_the_input({"live/dev": "10.1.0.0/16", "live/prod": "0.0.0.0/0"})
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "0"  # live/dev, checked first, passes a private range
    assert "1 more module calling the changed ones was not checked" in run.job_summary


NET = 'output "admin_cidr" {\n  value = "%s"\n}\n'
ROOT_RULE = """\
module "net" {
  source = "../../modules/net"
}

resource "aws_security_group" "jump" {
  name_prefix = "jump-"
  description = "Jump host"
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.jump.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = [module.net.admin_cidr]
}
"""


def test_a_callers_own_finding_that_a_changed_output_causes_is_new_without_a_fix(github, tmp_path, capsys):
    base = {"live/prod/main.tf": ROOT_RULE, "modules/net/outputs.tf": NET % "10.0.0.0/8"}
    head = {**base, "modules/net/outputs.tf": NET % "0.0.0.0/0"}
    fake, ws = _pr(github, tmp_path, base, head)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.outputs["new-findings"] == "1"
    body = fake.issue_comments[0]["body"]
    assert "`live/prod/main.tf:16`" in body and "aws_security_group_rule.ssh admits 0.0.0.0/0" in body
    assert fake.review_comments == [] and "Fix for" not in body  # the caller is not the PR's file
