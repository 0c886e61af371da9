"""Fixes verified together (fixers.engine._disjoint_groups) are exactly the first-fit groups of
fixes that can be applied to one text together, however the grouping is indexed."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from fixers.engine import _disjoint_groups
from fixers.findings import TextEdit

EXISTING = {"a.tf": None, "b.tf": None}


def edits_conflict(x, y) -> bool:
    """The definition: two edits of one file overlap (inserts at one place do not), or both
    create the same file."""
    return x.path == y.path and (x.path not in EXISTING or (x.start < y.end and y.start < x.end))


def conflict(a, b) -> bool:
    return any(edits_conflict(x, y) for x in a.fix.edits for y in b.fix.edits)


def overlaps_itself(finding) -> bool:
    edits = finding.fix.edits
    return any(edits_conflict(x, y) for i, x in enumerate(edits) for y in edits[i + 1 :])


def first_fit(findings):
    groups: list[list] = []
    for finding in findings:
        for group in groups:
            if not any(conflict(finding, other) for other in group):
                group.append(finding)
                break
        else:
            groups.append([finding])
    return groups


@st.composite
def an_edit(draw):
    path = draw(st.sampled_from(["a.tf", "b.tf", "new.tf"]))
    if path == "new.tf":
        return TextEdit(path=path, start=0, end=0, new_text="x")
    start = draw(st.integers(0, 60))
    return TextEdit(path=path, start=start, end=start + draw(st.integers(0, 8)), new_text="x")


def as_findings(edit_lists):
    return [SimpleNamespace(fix=SimpleNamespace(edits=edits)) for edits in edit_lists]


fix_edits = st.lists(an_edit(), min_size=1, max_size=3)
clean_fix_edits = fix_edits.filter(lambda edits: not overlaps_itself(as_findings([edits])[0]))


@settings(max_examples=400, deadline=None)
@given(st.lists(clean_fix_edits, max_size=40))
def test_groups_are_the_first_fit_groups_of_non_conflicting_fixes(edit_lists):
    findings = as_findings(edit_lists)
    got = _disjoint_groups(SimpleNamespace(parsed=EXISTING), findings)
    assert [[id(f) for f in g] for g in got] == [[id(f) for f in g] for g in first_fit(findings)]


@settings(max_examples=200, deadline=None)
@given(st.lists(fix_edits, max_size=40))
def test_no_group_holds_two_conflicting_fixes_even_when_a_fix_overlaps_itself(edit_lists):
    findings = as_findings(edit_lists)
    got = _disjoint_groups(SimpleNamespace(parsed=EXISTING), findings)
    assert sorted(id(f) for g in got for f in g) == sorted(id(f) for f in findings)
    for group in got:
        for i, a in enumerate(group):
            assert not any(conflict(a, b) for b in group[i + 1 :])


def test_touched_blocks_checked_in_several_files_verify_as_in_one(monkeypatch):
    # Verification parses the blocks a group of fixes touches in extra files of bounded size, so that
    # a file near the parser's token limit is not pushed over it: how they are split changes nothing.
    from pathlib import Path

    import fixers.engine
    from fixers.config import Config
    from fixers.engine import scan
    from fixers.workspace import discover

    example = Path(__file__).resolve().parents[2] / "examples" / "aws-stack"

    def verdicts():
        report = scan(discover([example], example), Config(), jobs=1)
        return [(f.identity, f.fix is not None, f.fix_rejected) for f in report.findings]

    whole = verdicts()
    calls = []
    real_relocated = fixers.engine._relocated

    def counting(*args):
        module = real_relocated(*args)
        calls.append(sum(".tapfix-check-" in path for path in module.files) if module is not None else None)
        return module

    monkeypatch.setattr(fixers.engine, "_CHECK_FILE_CHARS", 200)
    monkeypatch.setattr(fixers.engine, "_relocated", counting)
    assert verdicts() == whole
    assert any(calls) and sum(1 for f in whole if f[1]) >= 10
