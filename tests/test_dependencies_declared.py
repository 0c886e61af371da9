"""Every third-party module the code and the tests import is declared in pyproject.toml.

CI installs into a fresh virtual environment from the repo's files alone, so an undeclared import fails
there; this test says which one, and catches it on a developer's machine too, where the package may
happen to be installed already.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OWN = {"bot", "fixers", "tests", "benchmarks", "corpus"}


def _imported_top_levels(folder: Path) -> dict[str, str]:
    """Top-level module name -> the first file that imports it (absolute imports only)."""
    seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        if "node_modules" in path.parts or "fixtures" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                seen.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return seen


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(extras: tuple[str, ...]) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {_normalise(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]) for requirement in requirements}


def _undeclared(folders: tuple[str, ...], extras: tuple[str, ...]) -> list[str]:
    declared = _declared(extras)
    distributions = metadata.packages_distributions()
    missing = []
    for folder in folders:
        for module, where in sorted(_imported_top_levels(REPO / folder).items()):
            if module in sys.stdlib_module_names or module in OWN:
                continue
            providers = {_normalise(d) for d in distributions.get(module, [])}
            if not providers:
                missing.append(f"{module} (imported by {where}) is not installed from any declared package")
            elif not providers & declared:
                missing.append(f"{module} (imported by {where}) comes from {sorted(providers)}, not declared")
    return missing


def test_every_module_the_package_imports_is_a_runtime_dependency():
    assert _undeclared(("bot", "fixers"), ()) == []


def test_every_module_the_tests_benchmarks_and_scripts_import_is_declared_in_the_test_extra():
    assert _undeclared(("tests", "benchmarks", "scripts"), ("test",)) == []


def test_the_check_names_an_undeclared_import(tmp_path, monkeypatch):
    # The check itself must be able to fail: a stray import of a package nobody declared is reported.
    probe = REPO / "tests" / "_probe_undeclared_import.py"
    probe.write_text("import pytest\nimport hcl2\nimport responses\nimport yaml\nimport setuptools\n")
    try:
        missing = _undeclared(("tests",), ())
    finally:
        probe.unlink()
    assert any(line.startswith("setuptools ") for line in missing)
    assert any(line.startswith("pytest ") for line in missing)
    assert not any(line.startswith(("hcl2 ", "yaml ")) for line in missing)
