"""bot/ uses the engine only through its public API, fixers/api.py (docs/design.md, "Layers"): every
other module of fixers/ may change shape without bot/ noticing."""

from __future__ import annotations

import ast
from pathlib import Path

import fixers.api

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = {"fixers.api"}


def engine_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, module) of every import of `fixers` or a module under it that is not the public API,
    at any depth (inside functions and `if TYPE_CHECKING:` too)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            # `from fixers import engine` reaches an internal module as surely as `import fixers.engine`
            names = (
                [f"{node.module}.{a.name}" for a in node.names] if node.module == "fixers" else [node.module]
            )
        else:
            continue
        for name in names:
            if (name == "fixers" or name.startswith("fixers.")) and name not in PUBLIC:
                found.append((node.lineno, name))
    return found


def test_the_checker_finds_every_way_of_reaching_past_the_api():
    source = (
        "import fixers.engine\n"
        "from fixers.findings import Finding\n"
        "from fixers import module\n"
        "def f():\n"
        "    from fixers.hcl.parser import parse\n"
        "from fixers.api import scan\n"
        "import fixers.api\n"
        "from bot.formats import render\n"
        "from .fixers import x\n"
    )
    assert engine_imports(source) == [
        (1, "fixers.engine"),
        (2, "fixers.findings"),
        (3, "fixers.module"),
        (5, "fixers.hcl.parser"),
    ]


def test_bot_imports_nothing_from_fixers_but_the_public_api():
    files = sorted((ROOT / "bot").rglob("*.py"))
    assert len(files) > 30  # the walk found bot/
    reaching = {
        f"{path.relative_to(ROOT)}:{line}": name
        for path in files
        for line, name in engine_imports(path.read_text(encoding="utf-8"), str(path))
    }
    assert reaching == {}


def test_every_name_the_api_exports_exists():
    assert len(fixers.api.__all__) > 10
    assert sorted(name for name in fixers.api.__all__ if not hasattr(fixers.api, name)) == []
