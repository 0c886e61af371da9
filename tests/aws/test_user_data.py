"""fixers.aws.user_data: the script a block boots with, read once per module, whether written inline
(heredoc, quoted string, inside base64encode) or in a file of the module's folder (file(),
templatefile(), filebase64()); unknowable scripts are None, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixers.aws.user_data import commands, package_manager, user_data
from fixers.config import Config
from fixers.edits import append_to_heredoc, apply_edits
from fixers.engine import load, scan
from fixers.workspace import ModuleInput, read_module


def instance(
    tmp_path: Path, user_data_src: str, files: dict[str, bytes | str] | None = None, extra: str = ""
):
    """aws_instance.web of a module at tmp_path/app whose user_data is `user_data_src`."""
    folder = tmp_path / "app"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text(
        'resource "aws_instance" "web" {\n'
        '  ami           = "ami-0123456789abcdef0"\n'
        '  instance_type = "t3.small"\n'
        f"  user_data     = {user_data_src}\n"
        "}\n" + extra
    )
    for name, content in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    module = load(read_module(folder, tmp_path)).module
    return module.find("aws_instance.web")


def test_a_heredoc_script_is_read_as_written_and_kept_as_the_script_to_edit(tmp_path):
    block = instance(tmp_path, "<<-EOT\n    #!/bin/bash\n    yum install -y httpd\n  EOT")
    data = user_data(block)
    assert data.attribute is block.get("user_data")
    assert data.script is not None and data.script.heredoc
    assert data.text == "<<-EOT\n    #!/bin/bash\n    yum install -y httpd\n  EOT\n"
    assert data.file is None and data.file_note == ""


def test_a_quoted_script_inside_base64encode_is_read_through_the_wrapper(tmp_path):
    block = instance(tmp_path, 'base64encode("#!/bin/bash\\necho ${var.name}")')
    data = user_data(block)
    assert data.text == '"#!/bin/bash\\necho ${var.name}"'
    assert data.script is not None and not data.script.heredoc


def test_a_block_without_user_data_has_an_empty_script(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_instance" "web" {\n  ami = "ami-0123456789abcdef0"\n}\n')
    block = load(read_module(folder, tmp_path)).module.find("aws_instance.web")
    data = user_data(block)
    assert (data.attribute, data.script, data.text) == (None, None, "")


def test_user_data_base64_counts_as_user_data(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "main.tf").write_text(
        'resource "aws_launch_template" "web" {\n  user_data = base64encode(<<EOT\necho hi\nEOT\n  )\n}\n'
        'resource "aws_instance" "b64" {\n  user_data_base64 = filebase64("${path.module}/boot.sh")\n}\n'
    )
    (folder / "boot.sh").write_text("#!/bin/bash\necho b64\n")
    module = load(read_module(folder, tmp_path)).module
    assert user_data(module.find("aws_launch_template.web")).text == "<<EOT\necho hi\nEOT\n"
    b64 = user_data(module.find("aws_instance.b64"))
    assert (b64.text, b64.file, b64.script) == ("#!/bin/bash\necho b64\n", "app/boot.sh", None)


def test_a_file_script_is_read_from_the_module_folder_and_named_by_its_path_from_the_scan_root(tmp_path):
    block = instance(
        tmp_path, 'file("${path.module}/boot.sh")', {"boot.sh": "#!/bin/bash\ndnf install -y x\n"}
    )
    data = user_data(block)
    assert data.text == "#!/bin/bash\ndnf install -y x\n"
    assert data.script is None  # not written in the module: nothing to edit
    assert data.file == "app/boot.sh"
    assert data.file_note == " (user data file app/boot.sh)"


def test_a_template_file_renders_known_variables_and_keeps_unknown_ones_as_placeholders(tmp_path):
    block = instance(
        tmp_path,
        'templatefile("${path.module}/boot.sh.tftpl", { region = "eu-west-1", db = aws_db_instance.main.address })',
        {"boot.sh.tftpl": "echo ${region}\necho ${db}\n"},
    )
    assert user_data(block).text == "echo eu-west-1\necho ${aws_db_instance.main.address}\n"


def test_a_template_whose_directive_depends_on_an_unknown_value_cannot_be_read(tmp_path):
    block = instance(
        tmp_path,
        'templatefile("${path.module}/boot.sh.tftpl", { on = var.on })',
        {"boot.sh.tftpl": "%{ if on }start-agent%{ endif }\n"},
        extra='variable "on" {\n  type = bool\n}\n',
    )
    data = user_data(block)
    assert data.text is None
    assert data.file_note == ""  # nothing was read from it


@pytest.mark.parametrize(
    "src",
    [
        'file("${path.module}/${1 / 0}.sh")',  # a division by zero in the path
        'file("${path.module}/missing.sh")',
        'file("${path.module}/../outside.sh")',  # leaves the module folder
        "file(var.path)",  # a path nobody knows
        "var.script",
        'base64encode("a", "b")',  # a wrapper that Terraform rejects
        'file("${path.module}/binary.bin")',
    ],
)
def test_a_script_that_cannot_be_read_is_unknown_not_an_exception(tmp_path, src):
    (tmp_path / "outside.sh").write_text("echo outside\n")
    block = instance(tmp_path, src, {"binary.bin": b"\x00\xff\xfe binary"})
    assert user_data(block).text is None


def test_a_division_by_zero_in_the_user_data_path_leaves_tap301_running_on_the_other_instances(tmp_path):
    fixture = Path(__file__).parents[1] / "rules" / "TAP301" / "grant_unused_user_data_file"
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "user_data.sh").write_bytes((fixture / "user_data.sh").read_bytes())
    crashing = (
        'resource "aws_instance" "crash" {\n'
        "  ami                  = data.aws_ami.al2.id\n"
        "  iam_instance_profile = aws_iam_instance_profile.tracing_demo.name\n"
        '  user_data            = file("${path.module}/${1 / 0}.sh")\n'
        "}\n"
    )
    (folder / "main.tf").write_text((fixture / "main.tf").read_text() + "\n" + crashing)
    module = load(read_module(folder, tmp_path)).module
    assert user_data(module.find("aws_instance.crash")).text is None
    report = scan(
        [read_module(folder, tmp_path)], Config(select=["TAP301", "TAP302", "TAP303", "TAP507"]), jobs=1
    )
    assert report.errors == []
    [finding] = [f for f in report.findings if f.rule_id == "TAP301"]
    # The readable script starts no daemon; the unreadable one is unknown, so it is not named.
    assert (
        "aws_instance.tracing_demo runs no X-Ray daemon (user data file app/user_data.sh)" in finding.message
    )
    assert "aws_instance.crash" not in finding.message


def test_the_script_is_read_once_per_module(tmp_path):
    block = instance(tmp_path, 'file("${path.module}/boot.sh")', {"boot.sh": "echo hi\n"})
    assert user_data(block) is user_data(block)


def test_lines_appended_to_a_trimmed_heredoc_take_its_indentation(tmp_path):
    block = instance(tmp_path, "<<-EOT\n    #!/bin/bash\n    yum install -y httpd\n  EOT")
    edit = append_to_heredoc(user_data(block).script, ["# agent", "yum install -y agent"])
    text = apply_edits(block.file.text, [edit])
    assert "    yum install -y httpd\n\n    # agent\n    yum install -y agent\n  EOT\n" in text


def test_nothing_is_appended_to_a_quoted_script(tmp_path):
    block = instance(tmp_path, '"#!/bin/bash\\nyum install -y httpd"')
    assert append_to_heredoc(user_data(block).script, ["echo more"]) is None


def test_comment_lines_are_not_commands_and_the_package_manager_is_the_one_that_installs():
    script = "#!/bin/bash\n# dnf install -y nothing\nyum -y install httpd\n"
    assert commands(script) == "yum -y install httpd"
    assert package_manager(commands(script)) == "yum"
    assert package_manager("dnf install -y httpd\n") == "dnf"
    assert package_manager("apt-get install -y httpd\n") is None


def test_a_module_input_without_files_reads_no_user_data_file():
    module_input = ModuleInput(
        path=".",
        files={"main.tf": b'resource "aws_instance" "web" {\n  user_data = file("boot.sh")\n}\n'},
    )
    block = load(module_input).module.find("aws_instance.web")
    assert user_data(block).text is None
