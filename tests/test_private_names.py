"""No module of tapfix imports another module's private names (`from fixers.module import
_address_of`): what two modules share is public and lives where both can see it. A helper module
whose name starts with an underscore (`fixers.rules._tap103_fix`, kept out of rule discovery) is no
private name."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def private_imports(text: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(text)):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] in ("fixers", "bot")
        ):
            for alias in node.names:
                if (
                    alias.name.startswith("_")
                    and not alias.name.startswith("__")
                    and not _is_module(node.module, alias.name)
                ):
                    found.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
    return found


def _is_module(package: str, name: str) -> bool:
    return (ROOT / Path(*package.split(".")) / f"{name}.py").is_file()


def test_no_module_of_fixers_or_bot_imports_a_private_name_of_another():
    files = [path for package in ("fixers", "bot") for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(files) > 30  # the check reads the real packages, not an empty folder
    found = [
        hit
        for path in files
        for hit in private_imports(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_check_sees_private_imports_at_any_depth_but_not_dunders_or_other_packages():
    text = (
        "from fixers.module import Module, _address_of\n"
        "def f():\n    from bot.github import compare, _helper\n"
        "from os import _exit\nfrom fixers import __version__\nfrom fixers.rules import _tap103_fix\n"
    )
    assert private_imports(text, "x.py") == [
        "x.py:1 imports fixers.module._address_of",
        "x.py:3 imports bot.github._helper",
    ]
