"""The rule table of docs/rules.md, generated from the rule registry.

python -m bot.rules_page          rewrite the table between the markers in docs/rules.md
python -m bot.rules_page --check  exit 1 if the table is out of date (tests run this check)
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot import rule_catalog

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
PAGE = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def table() -> str:
    lines = [
        "| ID | Name | Severity | Fix | Default | Why it matters |",
        "|---|---|---|---|---|---|",
    ]
    for rule in rule_catalog.rules():
        why = rule.why.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| [{rule.id}](rules/{rule.id}.md) | `{rule.name}` | {rule.severity.value} "
            f"| {rule_catalog.fix_label(rule)} | {'yes' if rule.default else 'no'} | {why} |"
        )
    return "\n".join(lines)


def updated(page: str) -> str:
    """`page` with the text between the markers replaced by the current table."""
    start, end = page.find(START), page.find(END)
    if start == -1 or end < start:
        raise ValueError(f"docs/rules.md has no {START} ... {END} section")
    return page[: start + len(START)] + "\n" + table() + "\n" + page[end:]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    current = PAGE.read_text(encoding="utf-8")
    wanted = updated(current)
    if "--check" in argv:
        if wanted != current:
            print(
                "docs/rules.md's rule table is out of date: run `python -m bot.rules_page`", file=sys.stderr
            )
            return 1
        return 0
    if wanted != current:
        PAGE.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
