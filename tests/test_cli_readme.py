"""The README and docs/ document what the CLI really does: the rule table of docs/rules.md is the
registry's, and the README is the short page it promises to be (its links resolve, its sample
comment is the real one)."""

from __future__ import annotations

import re
from pathlib import Path

from bot import rules_page
from fixers.rules import all_rules

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
RULES_PAGE = (ROOT / "docs" / "rules.md").read_text()
REGENERATE = "run `python -m bot.rules_page` and commit docs/rules.md"


def _table_rows() -> dict[str, list[str]]:
    start, end = RULES_PAGE.index(rules_page.START), RULES_PAGE.index(rules_page.END)
    rows = {}
    for line in RULES_PAGE[start:end].splitlines():
        match = re.match(r"\| \[(TAP\d{3})\]\(rules/(TAP\d{3})\.md\)", line)
        if match:
            assert match.group(1) == match.group(2), line
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def test_the_rule_table_lists_every_registered_rule_with_severity_fix_kinds_and_availability():
    rows = _table_rows()
    expected = {
        u.rule.id: (
            f"`{u.rule.name}`",
            u.rule.severity.value,
            "/".join(a.value for a in u.rule.fixes) or "none",
            u.rule.fix_availability.value,
        )
        for u in all_rules()
    }
    assert {rule_id: tuple(cells[1:5]) for rule_id, cells in rows.items()} == expected, REGENERATE


def test_each_rule_page_states_the_rules_declared_severity_and_fix_under_its_title():
    on = {"always": ", on every finding", "sometimes": ", on some findings", "none": ""}
    stated = {}
    for unit in all_rules():
        title, header = (ROOT / "docs" / "rules" / f"{unit.rule.id}.md").read_text().splitlines()[:2]
        assert title.startswith(f"# {unit.rule.id} {unit.rule.name}"), title
        stated[unit.rule.id] = header
    expected = {
        u.rule.id: f"Severity: {u.rule.severity.value} · Fix: "
        + ("/".join(a.value for a in u.rule.fixes) or "none")
        + on[u.rule.fix_availability.value]
        for u in all_rules()
    }
    assert stated == expected, "run `python -m bot.rules_page` and commit docs/rules/"


def test_a_hand_edited_rule_page_header_is_out_of_date(tmp_path, monkeypatch):
    pages = tmp_path / "rules"
    pages.mkdir()
    for page in (ROOT / "docs" / "rules").glob("TAP*.md"):
        (pages / page.name).write_text(page.read_text())
    (tmp_path / "rules.md").write_text(RULES_PAGE)
    monkeypatch.setattr(rules_page, "PAGE", tmp_path / "rules.md")
    monkeypatch.setattr(rules_page, "RULE_PAGES", pages)
    assert rules_page.main(["--check"]) == 0
    tap201 = pages / "TAP201.md"
    tap201.write_text(tap201.read_text().replace("Fix: safe/unsafe, on some findings", "Fix: safe", 1))
    assert rules_page.main(["--check"]) == 1
    assert rules_page.main([]) == 0 and rules_page.main(["--check"]) == 0
    assert tap201.read_text().splitlines()[1] == "Severity: high · Fix: safe/unsafe, on some findings"


def test_the_rule_table_is_what_the_generator_writes():
    assert rules_page.updated(RULES_PAGE) == RULES_PAGE, REGENERATE
    assert rules_page.main(["--check"]) == 0


def test_the_readme_stays_under_200_lines_and_links_each_docs_page():
    assert README.count("\n") < 200
    for page in ("cli", "configuration", "suppressions", "rules", "action", "tapfix-command", "limits"):
        assert f"(docs/{page}.md)" in README, page
    for page in ("benchmarks", "development"):
        assert f"(docs/{page}.md)" in README, page
    assert "(SECURITY.md)" in README


def test_every_relative_link_of_the_readme_and_docs_resolves():
    pages = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # links in code are not links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (page.parent / target.split("#")[0]).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_readme_s_sample_comment_is_an_excerpt_of_the_real_review():
    sample = (ROOT / "docs" / "sample-review.md").read_text()
    start = README.index("\n## What a pull request gets\n")
    quoted = [
        line[2:] if line.startswith("> ") else ""
        for line in README[start : README.index("\n## ", start + 1)].splitlines()
        if line.startswith(">")
    ]
    assert "```suggestion" in quoted
    # each quoted line is a line of the real comment, in the same order
    comment = sample[sample.index("### Inline comment on `examples/aws-stack/s3.tf`") :].splitlines()
    position = 0
    for line in quoted:
        assert line in comment[position:], line
        position = comment.index(line, position) + 1


def test_docs_pages_for_each_area_exist():
    for page in ("cli", "configuration", "suppressions", "action", "tapfix-command", "limits", "development"):
        assert (ROOT / "docs" / f"{page}.md").read_text().startswith("# "), page
