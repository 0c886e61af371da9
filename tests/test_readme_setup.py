"""The README's set-up commands are the ones CI executes: `.ci/run` makes a fresh virtual environment
and runs each command of the README's Set-up block as written there (read by
scripts/readme_setup.py), checking the exit code the README gives it; GitHub's CI runs the second
one word for word. (They are not run from this suite: they install from the package registries and
run the suite itself.)"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("readme_setup", ROOT / "scripts" / "readme_setup.py")
readme_setup = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_setup)

README = (ROOT / "README.md").read_text()
CI_RUN = (ROOT / ".ci" / "run").read_text()
INSTALL = "pip install . && tapfix scan examples/aws-stack"
DEVELOP = "pip install -e '.[test]' && npm ci --prefix tests/node && python -m pytest -q"


def test_the_set_up_block_gives_two_commands_and_the_exit_code_of_each():
    assert readme_setup.setup_commands(README) == [(1, INSTALL), (0, DEVELOP)]


def test_the_script_hands_ci_exactly_those_commands():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_setup.py")], capture_output=True, check=True
    ).stdout
    assert out.split(b"\0") == [b"1", INSTALL.encode(), b"0", DEVELOP.encode(), b""]


def test_an_exit_code_is_read_from_the_comment_above_its_command_only():
    readme = "# t\n\n## Set-up\n\n```sh\n# scan (this exits 1)\ntapfix scan\n\n# then\nmake\n```\n\n## Next\n"
    assert readme_setup.setup_commands(readme) == [(1, "tapfix scan"), (0, "make")]


def _code_lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_ci_runs_them_in_a_fresh_venv_and_checks_each_exit_code():
    lines = _code_lines(CI_RUN)
    venv = next(i for i, line in enumerate(lines) if re.match(r'python3 -m venv "\$VENV"', line))
    activate = next(i for i, line in enumerate(lines) if line == 'source "$VENV/bin/activate"')
    loop = next(i for i, line in enumerate(lines) if "read -r -d '' expected" in line)
    assert venv < activate < loop
    assert (
        lines[loop : loop + 12].count(
            'bash -c "$command" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)'
        )
        == 1
    )
    assert any(line.startswith('if [ "$code" != "$expected" ]') for line in lines[loop:])
    assert "done < <(python scripts/readme_setup.py)" in lines
    # nothing else installs or tests: what CI proves is what the README says
    others = [line for line in lines if re.search(r"\b(pip install|npm ci|npm install|pytest)\b", line)]
    assert others == []


def test_githubs_ci_runs_the_readme_s_development_command_word_for_word():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [step.get("run", "").strip() for step in workflow["jobs"]["test"]["steps"]]
    assert DEVELOP in runs
