"""Diff mapping, base reconstruction, suggestion blocks and fingerprint markers."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.github.diff import parse_file_diff, reverse_apply
from bot.github.fingerprints import finding_marker, is_own, read_marker
from bot.github.models import ChangedFile
from bot.github.suggestion import MAX_COPIED_LINES, apply_suggestion, suggest
from bot.markdown_text import fence
from fixers.edits import apply_edits, edit
from fixers.hcl.source import SourceText
from tests.github.pr import github_patch


def _diff(before: str, after: str, path: str = "main.tf"):
    return parse_file_diff(ChangedFile(filename=path, status="modified", patch=github_patch(before, after)))


lines = st.lists(st.sampled_from(["a", "b", "c", "}", "  x = 1", ""]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(lines, lines, st.booleans(), st.booleans())
def test_undoing_a_patch_gives_back_the_base_file(old, new, old_nl, new_nl):
    before = "\n".join(old) + ("\n" if old_nl and old else "")
    after = "\n".join(new) + ("\n" if new_nl and new else "")
    if before == after or not after:
        return
    assert reverse_apply(_diff(before, after), after) == before


def test_patch_that_does_not_fit_the_file_is_refused():
    diff = _diff("a\nb\nc\n", "a\nB\nc\n")
    assert reverse_apply(diff, "a\nX\nc\n") is None


def test_hunks_know_their_lines_and_adjacent_hunks_stay_distinct():
    before = "".join(f"l{i}\n" for i in range(1, 30))
    after = before.replace("l5\n", "L5\n").replace("l13\n", "L13\n")
    diff = _diff(before, after)
    assert [sorted(h.target_lines) for h in diff.hunks] == [list(range(2, 9)), list(range(10, 17))]
    assert diff.added_lines == {5, 13}
    assert diff.same_hunk(range(7, 11)) is None  # 8 and 10 are numerically close, not in one hunk


def _source(text: str) -> SourceText:
    return SourceText(path="main.tf", text=text)


def test_insertion_after_a_block_suggests_the_closing_line_plus_the_new_text():
    text = 'resource "a" "b" {\n  x = 1\n}\n'
    source = _source(text)
    diff = _diff("", text)
    s = suggest(
        source, [edit(source, text.index("}") + 1, text.index("}") + 1, '\n\nresource "c" "d" {}')], diff
    )
    assert (s.start_line, s.end_line, s.content) == (3, 3, '}\n\nresource "c" "d" {}')


def test_deleting_a_line_keeps_a_neighbour_so_the_block_is_not_empty():
    text = 'resource "a" "b" {\n  x = 1\n  y = 2\n}\n'
    source = _source(text)
    start = source.line_start(2)
    s = suggest(source, [edit(source, start, source.line_start(3), "")], _diff("", text))
    assert (s.start_line, s.end_line, s.content) == (2, 3, "  y = 2")


def test_replacement_spanning_two_lines_is_a_multi_line_suggestion():
    text = 'resource "a" "b" {\n  x = 1\n  y = 2\n}\n'
    source = _source(text)
    edits = [
        edit(source, text.index("1"), text.index("1") + 1, "10"),
        edit(source, text.index("2"), text.index("2") + 1, "20"),
    ]
    s = suggest(source, edits, _diff("", text))
    assert (s.start_line, s.end_line, s.content) == (2, 3, "  x = 10\n  y = 20")


def test_no_suggestion_when_the_fix_leaves_the_hunk():
    text = "".join(f"l{i}\n" for i in range(1, 30))
    source = _source(text)
    diff = _diff(text.replace("l2\n", "L2\n"), text)
    at = source.line_start(20)
    assert suggest(source, [edit(source, at, at, "new\n")], diff) is None


def test_no_op_suggestion_is_dropped():
    text = "a\nb\n"
    source = _source(text)
    assert suggest(source, [edit(source, 0, 1, "a")], _diff("", text)) is None


def test_fence_outgrows_backticks_in_the_file():
    content = "x = <<EOT\n````\nEOT\n"
    block = fence(content, "suggestion")
    assert block.startswith("`````suggestion\n") and block.endswith("\n`````")


def test_markers_count_only_at_the_start_and_from_the_bot():
    marker = finding_marker("0123456789abcdef")
    assert read_marker(marker + "\nbody").fingerprint == "0123456789abcdef"
    assert read_marker("quoted:\n" + marker) is None
    assert read_marker(finding_marker("0123456789abcdef", "fixed")).state == "fixed"
    assert is_own("github-actions[bot]", "github-actions[bot]")
    assert not is_own("octocat", "github-actions[bot]")


def test_github_patch_helper_matches_difflib_hunks():
    patch = github_patch("a\n", "b\n")
    assert patch == "@@ -1 +1 @@\n-a\n+b"
    assert list(difflib.unified_diff(["a\n"], ["b\n"]))[2] == "@@ -1 +1 @@\n"


def test_edits_far_apart_get_no_suggestion_so_the_fix_is_shown_as_a_patch():
    text = "".join(f"line {i}\n" for i in range(1, 40))
    source = _source(text)
    near, far = source.line_end(3), source.line_end(30)
    edits = [edit(source, near, near, "\nnew a"), edit(source, far, far, "\nnew b")]
    assert suggest(source, edits, _diff("", text)) is None


def test_edits_a_few_lines_apart_share_one_suggestion():
    text = "".join(f"line {i}\n" for i in range(1, 40))
    source = _source(text)
    edits = [edit(source, source.line_start(3), source.line_end(3), "LINE 3")]
    edits.append(edit(source, source.line_start(8), source.line_end(8), "LINE 8"))
    s = suggest(source, edits, _diff("", text))
    assert (s.start_line, s.end_line) == (3, 8)
    assert s.content == "LINE 3\nline 4\nline 5\nline 6\nline 7\nLINE 8"


def test_an_edit_that_rewrites_a_region_to_change_one_line_suggests_that_line():
    text = 'resource "a" "b" {\n  policy = jsonencode({\n    Principal = "x"\n    Action    = "y"\n  })\n}\n'
    source = _source(text)
    start, end = source.line_start(2), source.line_end(5)
    rewritten = text[start:end].replace('"x"', "data.z.arn")
    s = suggest(source, [edit(source, start, end, rewritten)], _diff("", text))
    assert (s.start_line, s.end_line, s.content) == (3, 3, "    Principal = data.z.arn")


def test_insertion_before_a_line_is_anchored_on_that_line():
    text = 'resource "a" "b" {\n  x = 1\n}\n'
    source = _source(text)
    at = source.line_start(3)
    s = suggest(source, [edit(source, at, at, "  y = 2\n")], _diff("", text))
    assert (s.start_line, s.end_line, s.content) == (3, 3, "  y = 2\n}")


texts = st.lists(st.sampled_from(["a", "b", "}", "  x = 1", ""]), min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_a_suggestion_committed_gives_the_fixed_file_and_copies_few_lines(lines, data):
    text = "\n".join(lines) + "\n"
    source = _source(text)
    edits, pos = [], 0
    for _ in range(data.draw(st.integers(1, 3))):
        if pos > len(text):
            break
        start = data.draw(st.integers(pos, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 12)))
        edits.append(edit(source, start, end, data.draw(st.sampled_from(["", "z", "\n", "y = 2\n", "\nq"]))))
        pos = end + 1
    s = suggest(source, edits, _diff("", text))
    if s is None:
        return
    assert apply_suggestion(text, s) == apply_edits(text, edits)
    old = text.split("\n")[s.start_line - 1 : s.end_line]
    matcher = difflib.SequenceMatcher(None, old, s.content.split("\n"), autojunk=False)
    assert sum(b.size for b in matcher.get_matching_blocks()) <= MAX_COPIED_LINES
