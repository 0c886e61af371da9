"""The README's rule table, generated from the rule registry.

python -m bot.readme_rules          rewrite the table between the markers in README.md
python -m bot.readme_rules --check  exit 1 if the table is out of date (tests run this check)
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot import rule_catalog

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
README = Path(__file__).resolve().parents[1] / "README.md"


def table() -> str:
    lines = [
        "| ID | Name | Severity | Fix | Why it matters |",
        "|---|---|---|---|---|",
    ]
    for rule in rule_catalog.rules():
        why = rule.why.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| [{rule.id}](docs/rules/{rule.id}.md) | `{rule.name}` | {rule.severity.value} "
            f"| {rule_catalog.fix_label(rule)} | {why} |"
        )
    return "\n".join(lines)


def updated(readme: str) -> str:
    """`readme` with the text between the markers replaced by the current table."""
    start, end = readme.find(START), readme.find(END)
    if start == -1 or end < start:
        raise ValueError(f"README.md has no {START} ... {END} section")
    return readme[: start + len(START)] + "\n" + table() + "\n" + readme[end:]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    current = README.read_text(encoding="utf-8")
    wanted = updated(current)
    if "--check" in argv:
        if wanted != current:
            print("README.md's rule table is out of date: run `python -m bot.readme_rules`", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
