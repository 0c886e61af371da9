"""The rule reference in docs/, generated from the rule registry: the table of docs/rules.md, and the
`Severity: ... · Fix: ...` line under the title of each rule's page in docs/rules/.

python -m bot.rules_page          rewrite what is out of date
python -m bot.rules_page --check  exit 1 if anything is out of date (tests run this check)
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot import rule_catalog
from fixers.api import Rule

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
PAGE = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
RULE_PAGES = PAGE.parent / "rules"


def table() -> str:
    lines = [
        "| ID | Name | Severity | Fix | Fix available | Default | Why it matters |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rule_catalog.rules():
        why = rule.why.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| [{rule.id}](rules/{rule.id}.md) | `{rule.name}` | {rule.severity.value} "
            f"| {rule_catalog.fix_label(rule)} | {rule.fix_availability.value} "
            f"| {'yes' if rule.default else 'no'} | {why} |"
        )
    return "\n".join(lines)


def updated(page: str) -> str:
    """`page` with the text between the markers replaced by the current table."""
    start, end = page.find(START), page.find(END)
    if start == -1 or end < start:
        raise ValueError(f"docs/rules.md has no {START} ... {END} section")
    return page[: start + len(START)] + "\n" + table() + "\n" + page[end:]


def header(rule: Rule) -> str:
    """The line under a rule page's title."""
    return f"Severity: {rule.severity.value} · Fix: {rule_catalog.fix_summary(rule)}"


def updated_rule_page(rule: Rule, page: str) -> str:
    """A rule's page with the line under its `# TAPxxx name` title replaced by the current header."""
    title, newline, rest = page.partition("\n")
    if not title.startswith(f"# {rule.id} "):
        raise ValueError(f"docs/rules/{rule.id}.md does not start with its `# {rule.id} name` title")
    second, newline2, rest = rest.partition("\n")
    if not second.startswith("Severity: "):
        raise ValueError(f"docs/rules/{rule.id}.md has no `Severity: ...` line under its title")
    return title + newline + header(rule) + newline2 + rest


def _pages() -> list[tuple[Path, str, str]]:
    """(path, current text, wanted text) of docs/rules.md and of each rule's page."""
    current = PAGE.read_text(encoding="utf-8")
    out = [(PAGE, current, updated(current))]
    for rule in rule_catalog.rules():
        path = RULE_PAGES / f"{rule.id}.md"
        text = path.read_text(encoding="utf-8")
        out.append((path, text, updated_rule_page(rule, text)))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stale = [(path, wanted) for path, current, wanted in _pages() if wanted != current]
    if "--check" in argv:
        for path, _ in stale:
            print(
                f"{path.relative_to(PAGE.parents[1])} is out of date: run `python -m bot.rules_page`",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path, wanted in stale:
        path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
