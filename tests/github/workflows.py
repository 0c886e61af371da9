"""Every workflow a user can copy or this repository runs: the YAML blocks of README.md and docs/*.md
that are workflows, and .github/workflows/*.yml. A documented workflow starts with its file name as
a comment (`# .github/workflows/tapfix.yml`); blocks that are not whole workflows (a step to add, a
pre-commit or tapfix config) have no `jobs:`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_NAME = re.compile(r"\A# (\.github/workflows/[\w.-]+\.ya?ml)\n")


def yaml_blocks() -> list[tuple[str, str]]:
    """(page, text) of every ```yaml block of the README and docs/."""
    return [
        (page.relative_to(ROOT).as_posix(), block)
        for page in PAGES
        for block in re.findall(r"^```ya?ml\n(.*?)^```", page.read_text(), re.S | re.M)
    ]


def is_workflow(text: str) -> bool:
    data = yaml.safe_load(text)
    return isinstance(data, dict) and "jobs" in data


def documented_workflows() -> dict[str, str]:
    """`page: .github/workflows/NAME.yml` -> the workflow's text."""
    found = {}
    for page, text in yaml_blocks():
        if is_workflow(text):
            name = _NAME.match(text)
            found[f"{page}: {name.group(1) if name else '(unnamed)'}"] = text
    return found


def repository_workflows() -> dict[str, str]:
    folder = ROOT / ".github" / "workflows"
    return {f".github/workflows/{p.name}": p.read_text() for p in sorted(folder.glob("*.y*ml"))}


def all_workflows() -> dict[str, str]:
    return {**documented_workflows(), **repository_workflows()}
