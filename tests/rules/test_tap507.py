"""TAP507 user-data-inline: exact findings, exact fixes, and the rendered script unchanged."""

import base64
import json
import os
import subprocess

import pytest

from fixers.engine import load
from tests.rules.harness import fix_diff, fixed_files, load_fixture, scan_fixture, where
from tests.support.hcl_reference import find_terraform

CONSEQUENCE = (
    " (more than 20 lines): it gets no shell tooling, and every $ in it must be read as a possible "
    "Terraform interpolation"
)


def test_heredoc_moves_to_a_template_with_references_as_variables_and_escapes_kept():
    findings = scan_fixture("TAP507/launch_template_heredoc", "TAP507")
    assert where(findings) == [("TAP507", "main.tf", 10, "aws_launch_template.app")]
    assert findings[0].message == (
        "aws_launch_template.app has a 24-line user data script inline in user_data" + CONSEQUENCE
    )
    assert findings[0].fix.applicability == "safe"
    assert findings[0].fix.description == (
        "Move the script to templates/app-user-data.sh.tftpl and read it with templatefile() "
        "(4 template variables)"
    )
    fixed = fixed_files("TAP507/launch_template_heredoc", "TAP507")
    assert sorted(fixed) == ["main.tf", "templates/app-user-data.sh.tftpl"]
    assert """\

  user_data = base64encode(templatefile("${path.module}/templates/app-user-data.sh.tftpl", {
    app_port                     = var.app_port
    environment                  = var.environment
    aws_db_instance_main_address = aws_db_instance.main.address
    service                      = local.service
  }))
}
""" in fixed["main.tf"]
    assert (
        fixed["templates/app-user-data.sh.tftpl"]
        == """\
#!/bin/bash
set -euo pipefail

dnf install -y java-21-amazon-corretto-headless
useradd --system --home-dir /opt/app --shell /sbin/nologin app || true
mkdir -p /opt/app /var/log/app
chown app:app /var/log/app
export HOME_DIR="$${HOME}"
echo "literal percent-brace: %%{not_a_directive}"

cat > /etc/app.env <<'ENV'
SERVER_PORT=${app_port}
APP_ENV=${environment}
DB_HOST=${aws_db_instance_main_address}
LOG_DIR=/var/log/${service}
ENV

cat > /etc/systemd/system/app.service <<'UNIT'
[Service]
User=app
EnvironmentFile=/etc/app.env
ExecStart=/usr/bin/java -jar /opt/app/app.jar
UNIT
systemctl enable --now app
"""
    )


def test_script_without_interpolations_moves_to_a_plain_file_with_escapes_resolved():
    findings = scan_fixture("TAP507/instance_without_interpolations", "TAP507")
    assert where(findings) == [("TAP507", "main.tf", 5, "aws_instance.bastion")]
    fixed = fixed_files("TAP507/instance_without_interpolations", "TAP507")
    assert (
        '  user_data                   = file("${path.module}/templates/bastion-user-data.sh")\n'
        in fixed["main.tf"]
    )
    script = fixed["templates/bastion-user-data.sh"]
    assert """echo 'export PATH="${PATH}:/opt/tools/bin"' >> /etc/profile.d/tools.sh\n""" in script
    assert script.endswith("dnf clean all\necho done\n")


def test_template_directives_stay_and_their_collection_becomes_a_template_variable():
    findings = scan_fixture("TAP507/template_directive_over_a_variable", "TAP507")
    assert where(findings) == [("TAP507", "main.tf", 12, "aws_launch_template.workers")]
    fixed = fixed_files("TAP507/template_directive_over_a_variable", "TAP507")
    # In a <<- heredoc, a line after `~}` has lost its line break before the indentation is
    # removed, so HCL keeps its indentation: the template keeps it too.
    assert fixed["templates/workers-user-data.sh.tftpl"].startswith(
        "#!/bin/bash\nset -euo pipefail\n%{for pkg in packages~}\n    dnf install -y ${pkg}\n%{endfor~}\n"
        "    echo step-0\necho step-1\n"
    )
    assert """\
  user_data = base64encode(templatefile("${path.module}/templates/workers-user-data.sh.tftpl", {
    packages = var.packages
  }))
""" in fixed["main.tf"]


def test_a_user_data_that_becomes_multi_line_leaves_the_alignment_of_its_neighbours():
    findings = scan_fixture("TAP507/variables_only_in_an_aligned_chain", "TAP507")
    assert where(findings) == [("TAP507", "main.tf", 16, "aws_instance.api")]
    assert """\
   instance_type = "t3.small"
-  user_data     = <<-EOT
""" in fix_diff("TAP507/variables_only_in_an_aligned_chain", "TAP507")
    assert fixed_files("TAP507/variables_only_in_an_aligned_chain", "TAP507")["main.tf"].endswith("""\
  instance_type = "t3.small"
  user_data = templatefile("${path.module}/templates/api-user-data.sh.tftpl", {
    app_port    = var.app_port
    environment = var.environment
  })
  monitoring = true
}
""")


@pytest.mark.parametrize(
    ("case", "address"),
    [
        ("variables_only_in_an_aligned_chain", "aws_instance.api"),
        ("template_directive_over_a_variable", "aws_launch_template.workers"),
        ("instance_without_interpolations", "aws_instance.bastion"),
    ],
)
def test_terraform_renders_the_moved_script_exactly_like_the_inline_one(case, address, tmp_path):
    terraform = find_terraform()
    if terraform is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("terraform is not installed")
        pytest.skip("terraform is not installed (CI provides it)")
    module = load(load_fixture(f"TAP507/{case}")).module
    block = module.find(address)
    before = block.get("user_data").source
    fixed = fixed_files(f"TAP507/{case}", "TAP507")
    after = load(load_fixture(f"TAP507/{case}")).module.find(address).get("user_data")
    after_source = _new_value(fixed["main.tf"], after.name)
    for path, text in fixed.items():
        if path != "main.tf":
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text)
    variables = "\n\n".join(b.file.text[b.start : b.end] for b in module.of_type("variable"))
    (tmp_path / "main.tf").write_text(
        f"{variables}\n\nlocals {{\n  before = {before}\n  after = {after_source}\n}}\n"
    )
    done = subprocess.run(
        [str(terraform), "console"],
        input="jsonencode([local.before, local.after])\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rendered_before, rendered_after = json.loads(json.loads(done.stdout.strip().splitlines()[-1]))
    assert rendered_after == rendered_before
    script = (
        base64.b64decode(rendered_before).decode() if before.startswith("base64encode(") else rendered_before
    )
    assert script.count("\n") > 20


def _new_value(text: str, name: str) -> str:
    """The value source of attribute `name` in the fixed file (up to its closing bracket)."""
    start = text.index(f"  {name} ")
    start = text.index("=", start) + 1
    depth, i = 0, start
    while True:
        ch = text[i]
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "\n" and depth == 0 and text[start:i].strip():
            return text[start:i].strip()
        i += 1


@pytest.mark.parametrize(
    "case",
    [
        "ok_twenty_lines",  # at the limit, not over it
        "ok_templatefile",  # already in a file
        "ok_filebase64",  # already in a file
        "ok_module_call",  # an argument of a module call, not a resource's user data
    ],
)
def test_no_finding_for_short_or_external_scripts(case):
    assert scan_fixture(f"TAP507/{case}", "TAP507") == []


def test_an_object_key_named_like_a_reference_root_stays_a_key_in_the_moved_template(tmp_path):
    from fixers.config import Config
    from fixers.engine import fix_module
    from fixers.workspace import read_module

    lines = "".join(f"    echo step-{i}\n" for i in range(21))
    (tmp_path / "main.tf").write_text(
        'variable "log_path" {\n  type    = string\n  default = "/var/log/app"\n}\n\n'
        'resource "aws_instance" "web" {\n'
        '  ami           = "ami-0123456789abcdef0"\n'
        '  instance_type = "t3.small"\n'
        "  user_data     = <<-EOT\n"
        f"{lines}"
        "    echo '${jsonencode({ path = var.log_path })}'\n"
        "  EOT\n"
        "}\n"
    )
    texts = fix_module(
        read_module(tmp_path, tmp_path), Config(select=["TAP507"]), unsafe=True, rule_ids={"TAP507"}
    ).texts
    assert "echo '${jsonencode({ path = log_path })}'\n" in texts["templates/web-user-data.sh.tftpl"]
    # Only the reference becomes a template variable: `path = path` would not be valid Terraform.
    assert texts["main.tf"].endswith(
        '  user_data = templatefile("${path.module}/templates/web-user-data.sh.tftpl", {\n'
        "    log_path = var.log_path\n"
        "  })\n"
        "}\n"
    )
