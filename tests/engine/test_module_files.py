"""file(), templatefile() and filebase64() read the module's own files, and nothing else; fix
verification sees the files a fix creates, and a fix may not hide another rule's finding."""

import os
from pathlib import Path

import pytest

from fixers.config import Config
from fixers.engine import fix_module, load, scan
from fixers.evaluate import UNKNOWN, evaluate, evaluate_partial
from fixers.module_files import MAX_READ_BYTES, module_relative
from fixers.workspace import ModuleInput, discover, read_module
from tests.rules.harness import fixture_dir, load_fixture, scan_fixture


def values(tmp_path: Path, tf: str, files: dict[str, bytes | str], module: str = "app") -> dict:
    """Every attribute of `locals` in a module at tmp_path/<module>, scanned from tmp_path."""
    folder = tmp_path / module
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text(tf)
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    loaded = load(read_module(folder, tmp_path))
    return {name: evaluate(loaded.module, attr.expr) for name, attr in loaded.module.locals.items()}


def test_file_reads_the_module_folder_by_path_module_relative_path_and_through_a_local(tmp_path):
    got = values(
        tmp_path,
        """
locals {
  script_path = "${path.module}/scripts/boot.sh"
  by_module   = file("${path.module}/scripts/boot.sh")
  relative    = file("scripts/boot.sh")
  via_local   = file(local.script_path)
  dotted      = file("./scripts/../scripts/boot.sh")
  encoded     = filebase64("${path.module}/scripts/boot.sh")
}
""",
        {"scripts/boot.sh": "#!/bin/bash\necho hi\n"},
    )
    assert (
        got["by_module"] == got["relative"] == got["via_local"] == got["dotted"] == "#!/bin/bash\necho hi\n"
    )
    assert got["encoded"] == "IyEvYmluL2Jhc2gKZWNobyBoaQo="
    # path.module means something only as a file function's path: elsewhere it stays unknown.
    assert got["script_path"] is UNKNOWN


@pytest.mark.parametrize(
    "path",
    [
        "${path.module}/../other/secret.sh",  # leaves the module folder
        "../other/secret.sh",
        "/etc/hostname",  # absolute
        "${path.root}/scripts/boot.sh",  # the folder terraform runs in: not known
        "${path.cwd}/scripts/boot.sh",
        "${path.module}",  # the folder itself
        "${path.module}scripts/boot.sh",  # a sibling of the folder, not a file in it
        "scripts\\\\boot.sh",  # a backslash is a separator only on Windows
        "${var.unknown}/boot.sh",
    ],
)
def test_paths_that_leave_the_module_or_cannot_be_known_are_unknown(tmp_path, path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "secret.sh").write_text("secret\n")
    got = values(
        tmp_path,
        f'variable "unknown" {{}}\nlocals {{\n  x = file("{path}")\n}}\n',
        {"scripts/boot.sh": "#!/bin/bash\n"},
    )
    assert got["x"] is UNKNOWN


def test_symbolic_links_are_followed_inside_the_module_only(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "secret.sh").write_text("secret\n")
    folder = tmp_path / "app"
    (folder / "scripts").mkdir(parents=True)
    (folder / "scripts" / "boot.sh").write_text("boot\n")
    os.symlink("scripts/boot.sh", folder / "inside.sh")
    os.symlink("../other/secret.sh", folder / "out.sh")
    os.symlink("../other", folder / "linked-dir")
    got = values(
        tmp_path,
        """
locals {
  inside = file("inside.sh")
  out    = file("out.sh")
  dir    = file("linked-dir/secret.sh")
}
""",
        {},
    )
    assert got == {"inside": "boot\n", "out": UNKNOWN, "dir": UNKNOWN}


def test_files_past_the_cap_binary_undecodable_fifos_and_folders_are_unknown(tmp_path):
    (tmp_path / "app").mkdir()
    os.mkfifo(tmp_path / "app" / "pipe")
    got = values(
        tmp_path,
        """
locals {
  huge        = file("huge.sh")
  at_cap      = length(file("at-cap.sh"))
  binary      = file("tool.bin")
  binary_b64  = filebase64("tool.bin")
  latin1      = file("latin1.sh")
  fifo        = file("pipe")
  folder      = file("scripts")
  missing     = file("missing.sh")
  template_no = templatefile("tool.bin", {})
}
""",
        {
            "huge.sh": b"#" * (MAX_READ_BYTES + 1),
            "at-cap.sh": b"#" * (MAX_READ_BYTES - 100_000),
            "tool.bin": b"\x7fELF\x00\x01",
            "latin1.sh": "echo caf\u00e9\n".encode("latin-1"),
            "scripts/boot.sh": "boot\n",
        },
    )
    assert got == {
        "huge": UNKNOWN,
        "at_cap": MAX_READ_BYTES - 100_000,
        "binary": UNKNOWN,
        "binary_b64": "f0VMRgAB",
        "latin1": UNKNOWN,
        "fifo": UNKNOWN,
        "folder": UNKNOWN,
        "missing": UNKNOWN,
        "template_no": UNKNOWN,
    }


TEMPLATE = """\
#!/bin/bash
%{ for pkg in packages ~}
dnf install -y ${pkg}
%{ endfor ~}
%{ if agent ~}
dnf install -y amazon-cloudwatch-agent
%{ else ~}
echo "no agent"
%{ endif ~}
echo "db at ${db_host}" $${HOME} %%{literal}
"""


def test_templatefile_renders_interpolations_if_and_for_with_strip_markers(tmp_path):
    got = values(
        tmp_path,
        """
variable "packages" {
  default = ["nginx", "jq"]
}
locals {
  with_agent = templatefile("${path.module}/boot.tftpl", { packages = var.packages, agent = true, db_host = "db.internal" })
  no_agent   = templatefile("${path.module}/boot.tftpl", { packages = [], agent = false, db_host = "x" })
}
""",
        {"boot.tftpl": TEMPLATE},
    )
    assert got["with_agent"] == (
        "#!/bin/bash\ndnf install -y nginx\ndnf install -y jq\ndnf install -y amazon-cloudwatch-agent\n"
        'echo "db at db.internal" ${HOME} %{literal}\n'
    )
    assert got["no_agent"] == '#!/bin/bash\necho "no agent"\necho "db at x" ${HOME} %{literal}\n'


def test_templatefile_with_unknown_parts_is_unknown_and_partially_names_what_it_waits_for(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "boot.tftpl").write_text(TEMPLATE)
    (folder / "main.tf").write_text("""
variable "no_default" {}
resource "aws_db_instance" "main" {}
locals {
  host_unknown = templatefile("${path.module}/boot.tftpl", { packages = [], agent = true, db_host = aws_db_instance.main.address })
  cond_unknown = templatefile("${path.module}/boot.tftpl", { packages = [], agent = var.no_default, db_host = "x" })
}
""")
    module = load(read_module(folder, tmp_path)).module
    host, cond = module.locals["host_unknown"].expr, module.locals["cond_unknown"].expr
    assert evaluate(module, host) is UNKNOWN
    assert evaluate_partial(module, host) == (
        "#!/bin/bash\ndnf install -y amazon-cloudwatch-agent\n"
        'echo "db at ${aws_db_instance.main.address}" ${HOME} %{literal}\n'
    )
    # A directive that cannot be decided leaves nothing to read: the rules report nothing on it.
    assert evaluate(module, cond) is UNKNOWN
    assert evaluate_partial(module, cond) == "${...}"


def test_template_loops_are_bounded(tmp_path):
    got = values(
        tmp_path,
        """
locals {
  x = templatefile("loops.tftpl", { n = range(1000) })
}
""",
        {"loops.tftpl": "%{ for a in n }%{ for b in n }%{ endfor }%{ endfor }"},
    )
    assert got["x"] is UNKNOWN


def test_without_a_file_source_file_functions_are_unknown():
    # How the GitHub side builds modules (files read through the API, nothing from disk).
    module_input = ModuleInput(path=".", files={"main.tf": b'locals {\n  x = file("boot.sh")\n}\n'})
    module = load(module_input).module
    assert module.locals["x"].value() is UNKNOWN


def test_modules_in_worker_processes_read_their_files(tmp_path):
    for i in range(16):
        folder = tmp_path / f"m{i}"
        folder.mkdir()
        (folder / "main.tf").write_text(
            'data "aws_ami" "al2023" {\n  owners = ["amazon"]\n}\n\n'
            'resource "aws_instance" "w" {\n  ami       = data.aws_ami.al2023.id\n'
            '  user_data = file("${path.module}/boot.sh")\n}\n'
        )
        (folder / "boot.sh").write_text(
            "#!/bin/bash\nmkdir -p /var/log/worker\nworker >> /var/log/worker/w.log\n"
        )
    report = scan(discover([tmp_path], tmp_path), Config(select=["TAP303"]), jobs=2)
    assert sorted((f.path, f.rule_id) for f in report.findings) == [
        (f"m{i}/main.tf", "TAP303") for i in sorted(range(16), key=str)
    ]
    assert (
        "(its user data in m0/boot.sh)" in next(f for f in report.findings if f.path == "m0/main.tf").message
    )


# --- fixes: TAP507 moves the script, TAP301-TAP303 still see it ---------------------------------

CASE = "TAP507/heredoc_with_observability_findings"
OBSERVED = [
    ("TAP301", "aws_iam_role_policy_attachment.orders_xray"),
    ("TAP302", "aws_cloudwatch_metric_alarm.orders_memory"),
    ("TAP303", "aws_autoscaling_group.orders"),
]


def _observed(findings):
    return sorted((f.rule_id, f.resource) for f in findings if f.rule_id in ("TAP301", "TAP302", "TAP303"))


def test_moving_user_data_to_a_file_keeps_the_tap301_to_tap303_findings(tmp_path):
    assert _observed(scan_fixture(CASE)) == OBSERVED
    outcome = fix_module(load_fixture(CASE), Config(), rule_ids={"TAP507"})
    assert [f.rule_id for f in outcome.applied] == ["TAP507"]
    assert sorted(outcome.texts) == ["main.tf", "templates/orders-user-data.sh.tftpl"]
    # The engine's own rescan of the fixed module (the created file held in memory) ...
    assert _observed(outcome.findings_after) == OBSERVED
    # ... and a scan of the files as `tapfix fix` writes them.
    for path in fixture_dir(CASE).iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    for path, text in outcome.texts.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    rescanned = scan([read_module(tmp_path, tmp_path)], Config(), jobs=1).findings
    assert _observed(rescanned) == OBSERVED
    alarm = next(f for f in rescanned if f.rule_id == "TAP302")
    assert "(user data file templates/orders-user-data.sh.tftpl)" in alarm.message
    assert not [f for f in rescanned if f.rule_id == "TAP507"]


def test_a_fix_that_would_hide_another_rules_finding_is_not_offered():
    # The script loops over a variable without default: as a template file it cannot be rendered,
    # so TAP303 would lose sight of the log it writes. The move waits until it can be checked.
    findings = scan_fixture("TAP507/heredoc_over_an_unknown_list")
    tap507 = next(f for f in findings if f.rule_id == "TAP507")
    assert tap507.fix is None
    assert tap507.fix_rejected == (
        "the TAP303 finding on aws_autoscaling_group.reports would disappear although the edit does not "
        "change aws_autoscaling_group.reports: TAP303 could no longer check it, which is not fixing it"
    )
    assert [f.rule_id for f in findings if f.rule_id == "TAP303"] == ["TAP303"]


def test_a_fix_that_edits_the_block_of_another_rules_finding_may_fix_it_too():
    # TAP103's fix adds a validation block to the variable, which is what TAP503 asks for.
    findings = scan_fixture("TAP103/var_default_split_files")
    tap103 = next(f for f in findings if f.rule_id == "TAP103")
    assert tap103.fix is not None and tap103.fix_rejected is None


def test_module_relative_paths():
    assert module_relative("\x00path.module\x00/a/b.sh") == "a/b.sh"
    assert module_relative("a/./b/../c.sh") == "a/c.sh"
    assert module_relative("C:/x.sh") is None
    assert module_relative("~/x.sh") is None
    assert module_relative("") is None
