"""The rule catalog as users read it: `tapfix rules`, `--explain`, SARIF rule metadata, the README table.

The docs pages live in docs/rules/ at the repository root; `bot/rule_docs` is a symlink to that folder,
so an editable install reads them in place and a wheel ships copies as package data (pyproject.toml).
"""

from __future__ import annotations

from importlib import resources

from fixers.api import DOCS_URL, FixAvailability, Rule, Severity, resolve_rule, rule_catalog


def rules() -> list[Rule]:
    return rule_catalog()


def rule_ids() -> set[str]:
    return {rule.id for rule in rules()}


def find_rule(reference: str) -> Rule | None:
    """The rule an ID or any of its names refers to."""
    rule_id = resolve_rule(reference)
    return next((r for r in rules() if r.id == rule_id), None)


def named_rows(rule: Rule) -> list[tuple[str, Severity]]:
    """(name, severity) of each kind of finding the rule reports: one for most rules, two for TAP000
    (`parse-error`, `suppression-invalid`)."""
    return [(rule.name, rule.severity), *rule.also]


def fix_label(rule: Rule) -> str:
    """`safe`, `unsafe`, `display-only`, or each of them a rule's fixes can be (`safe/unsafe`); `none`."""
    return "/".join(a.value for a in rule.fixes) or "none"


def fix_summary(rule: Rule) -> str:
    """A rule's fix as its docs page, `--explain` and SARIF's help state it: its kinds and whether every
    finding carries one (`safe, on every finding`, `safe/unsafe, on some findings`), or `none`."""
    if rule.fix_availability == FixAvailability.NONE:
        return "none"
    on = "every finding" if rule.fix_availability == FixAvailability.ALWAYS else "some findings"
    return f"{fix_label(rule)}, on {on}"


def docs_url(rule_id: str) -> str:
    return DOCS_URL.format(rule_id=rule_id)


def docs_page(rule_id: str) -> str | None:
    """The rule's Markdown docs page as shipped with the package, or None if it has none."""
    page = resources.files("bot").joinpath("rule_docs", f"{rule_id}.md")
    try:
        return page.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
