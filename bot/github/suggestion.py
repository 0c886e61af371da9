"""A fix as GitHub can show it: a ```suggestion block (the new text of whole lines of the new
version, committed with one click) when the fix changes a few neighbouring lines of one hunk,
else a unified diff.

GitHub replaces the commented lines (`start_line..line`) with the block's content. A suggestion
spans only the lines the fix changes, so a reviewer reads the change and two suggestions of one
review rarely share a line (GitHub applies only one suggestion per line in a batch):
- replace: comment on the changed lines, block = their new text;
- insert: comment on the line the text is inserted after (or before, at the top of a region),
  block = that line + the new text;
- delete: an empty block is not reliably accepted, so the deleted lines plus one kept neighbour
  are commented and the block holds only the kept line;
- a suggestion that would change nothing is dropped (GitHub calls it invalid);
- a fix whose changes lie apart (a flow log inserted after its VPC and a statement added to a
  bucket policy 300 lines below) would copy back every line between them: it gets no suggestion
  and is shown as a diff. At most MAX_COPIED_LINES unchanged lines are copied back.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.github.diff import FileDiff
from fixers.api import OverlappingEdits, SourceText, TextEdit, apply_edits, edit

# Unchanged lines a suggestion may copy back (an insertion's anchor line, a line between two
# edits of one block). More, and the reviewer reads a region to find the change: a diff shows it.
MAX_COPIED_LINES = 5
PATCH_CONTEXT = 3  # lines of context around each hunk of a fix shown as a diff, as git's default


@dataclass(frozen=True)
class Suggestion:
    start_line: int
    end_line: int
    content: str  # the new text of lines start_line..end_line, without a final newline


def suggest(source: SourceText, edits: Sequence[TextEdit], diff: FileDiff) -> Suggestion | None:
    """The suggestion for `edits` (all in `source`'s file), or None if GitHub cannot show one or
    it would copy back more than MAX_COPIED_LINES unchanged lines."""
    if not edits or any(e.path != source.path for e in edits) or source.newline != "\n":
        return None
    text = source.text
    real_lines = source.line_count - (1 if text.endswith("\n") or not text else 0)
    if real_lines < 1:
        return None
    lo = min(e.start for e in edits)
    hi = max(e.end for e in edits)
    first = source.line_col(lo)[0]
    last = source.line_col(hi)[0]
    if hi > lo and hi == source.line_start(last) and last > first:
        last -= 1  # the edit ends with a newline: the next line is untouched
    first, last = min(first, real_lines), min(last, real_lines)
    try:
        new = _replacement(source, edits, first, last)
    except OverlappingEdits:
        return None
    old = [source.line_text(n) for n in range(first, last + 1)]
    if new is None or old == new:
        return None
    # Lines at either end that the edits leave as they are need not be in the suggestion.
    same_start = 0
    while same_start < min(len(old), len(new)) and old[same_start] == new[same_start]:
        same_start += 1
    same_end = 0
    while same_end < min(len(old), len(new)) - same_start and old[-1 - same_end] == new[-1 - same_end]:
        same_end += 1
    changed_first = first + same_start  # first old line replaced
    changed_last = last - same_end  # last old line replaced (changed_first - 1: nothing replaced)
    added = new[same_start : len(new) - same_end]
    spans = _spans(source, real_lines, changed_first, changed_last, added)
    if changed_first > changed_last and same_start == 0:
        spans.reverse()  # inserted before the first edited line: anchored on that line, below
    for start, end, content in spans:
        suggestion = _checked(source, diff, start, end, content)
        if suggestion is not None:
            if _copied(source, suggestion) > MAX_COPIED_LINES:
                return None
            if apply_suggestion(text, suggestion) != apply_edits(text, edits):
                return None  # not the fix: never offer a different change than the one verified
            return suggestion
    return None


def _spans(
    source: SourceText, real_lines: int, first: int, last: int, added: list[str]
) -> list[tuple[int, int, list[str]]]:
    """The ways to show "replace old lines first..last by `added`" as a suggestion, best first:
    the lines themselves, or, when nothing is replaced (an insertion) or nothing is left (a
    deletion), with one kept neighbour, since a suggestion comments on at least one line and its
    block is not empty."""
    if first <= last and added:
        return [(first, last, added)]
    below, above = last + 1, first - 1
    spans = []
    if first > last:  # insertion between lines `above` and `below`
        if above >= 1:
            spans.append((above, last, [source.line_text(above), *added]))
        if below <= real_lines:
            spans.append((first, below, [*added, source.line_text(below)]))
        return spans
    # deletion of first..last: the line below is kept first, as the lines read on
    if below <= real_lines:
        spans.append((first, below, [source.line_text(below)]))
    if above >= 1:
        spans.append((above, last, [source.line_text(above)]))
    return spans


def _replacement(source: SourceText, edits: Sequence[TextEdit], first: int, last: int) -> list[str] | None:
    """The new lines that replace lines first..last (none when the edits delete them whole), or
    None if an edit reaches outside them."""
    start = source.line_start(first)
    end = source.line_start(last + 1) if last < source.line_count else len(source.text)
    if any(e.start < start or e.end > end for e in edits):
        return None
    shifted = [e.model_copy(update={"start": e.start - start, "end": e.end - start}) for e in edits]
    old = source.text[start:end]
    new = apply_edits(old, shifted)
    if not new:
        return []
    if old.endswith("\n") != new.endswith("\n"):
        return None
    return new.removesuffix("\n").split("\n")


def _checked(
    source: SourceText, diff: FileDiff, first: int, last: int, lines: list[str]
) -> Suggestion | None:
    if diff.same_hunk(range(first, last + 1)) is None:
        return None
    original = [source.line_text(n) for n in range(first, last + 1)]
    if lines == original:
        return None
    return Suggestion(first, last, "\n".join(lines))


def _copied(source: SourceText, suggestion: Suggestion) -> int:
    """How many lines of the suggestion are commented lines copied back unchanged."""
    original = [source.line_text(n) for n in range(suggestion.start_line, suggestion.end_line + 1)]
    matcher = difflib.SequenceMatcher(None, original, suggestion.content.split("\n"), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def apply_suggestion(text: str, suggestion: Suggestion) -> str:
    """`text` after "Commit suggestion": GitHub replaces lines start_line..end_line by the block."""
    lines = text.split("\n")
    lines[suggestion.start_line - 1 : suggestion.end_line] = suggestion.content.split("\n")
    return "\n".join(lines)


def suggestion_edit(source: SourceText, suggestion: Suggestion) -> TextEdit:
    """The suggestion as the one edit it makes to `source`, to verify it as it will be applied."""
    start, end = source.line_start(suggestion.start_line), source.line_end(suggestion.end_line)
    return edit(source, start, end, suggestion.content)


def unified_patch(
    originals: dict[str, str | None], edits: Sequence[TextEdit], context: int = PATCH_CONTEXT
) -> str | None:
    """The fix as a unified diff (`originals` maps each edited path to its text, None if the fix
    creates the file), or None when the edits cannot be applied."""
    by_path: dict[str, list[TextEdit]] = {}
    for e in edits:
        by_path.setdefault(e.path, []).append(e)
    out: list[str] = []
    for path in sorted(by_path):
        before = originals.get(path)
        try:
            after = apply_edits(before or "", by_path[path])
        except OverlappingEdits:
            return None
        out.extend(
            difflib.unified_diff(
                (before or "").splitlines(keepends=True),
                after.splitlines(keepends=True),
                "/dev/null" if before is None else f"a/{path}",
                f"b/{path}",
                n=context,
            )
        )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in out)
    return text or None
