"""A fix as GitHub can show it: a ```suggestion block (the new text of whole lines of the new
version, committed with one click) when every line it edits lies in one hunk, else a unified diff.

GitHub replaces the commented lines (`start_line..line`) with the block's content. So:
- replace: comment on the edited lines, block = their new text;
- insert: comment on the line the text is inserted into or before, block = new text + that line
  (or that line + new text at the end of a file);
- delete: an empty block is not reliably accepted, so the deleted lines plus one kept neighbour
  are commented and the block holds only the kept line;
- a suggestion that would change nothing is dropped (GitHub calls it invalid).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.github.diff import FileDiff
from fixers.edits import OverlappingEdits, apply_edits
from fixers.findings import TextEdit
from fixers.hcl.source import SourceText


@dataclass(frozen=True)
class Suggestion:
    start_line: int
    end_line: int
    content: str  # the new text of lines start_line..end_line, without a final newline


def suggest(source: SourceText, edits: Sequence[TextEdit], diff: FileDiff) -> Suggestion | None:
    """The suggestion for `edits` (all in `source`'s file), or None if GitHub cannot show one."""
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
        candidate = _replacement(source, edits, first, last)
    except OverlappingEdits:
        return None
    if candidate is None:
        return None
    if candidate == "":  # whole lines deleted: keep a neighbour so the block is not empty
        for kept_first, kept_last in ((first, last + 1), (first - 1, last)):
            if (
                kept_first >= 1
                and kept_last <= real_lines
                and diff.same_hunk(range(kept_first, kept_last + 1))
            ):
                kept = _replacement(source, edits, kept_first, kept_last)
                if kept:
                    return _checked(source, diff, kept_first, kept_last, kept)
        return None
    return _checked(source, diff, first, last, candidate)


def _replacement(source: SourceText, edits: Sequence[TextEdit], first: int, last: int) -> str | None:
    """The new text of lines first..last (without its final newline), or None if an edit
    reaches outside them."""
    start = source.line_start(first)
    end = source.line_start(last + 1) if last < source.line_count else len(source.text)
    if any(e.start < start or e.end > end for e in edits):
        return None
    shifted = [e.model_copy(update={"start": e.start - start, "end": e.end - start}) for e in edits]
    old = source.text[start:end]
    new = apply_edits(old, shifted)
    if old.endswith("\n") != new.endswith("\n") and new:
        return None
    return new.removesuffix("\n")


def _checked(source: SourceText, diff: FileDiff, first: int, last: int, content: str) -> Suggestion | None:
    if diff.same_hunk(range(first, last + 1)) is None:
        return None
    original = "\n".join(source.line_text(n) for n in range(first, last + 1))
    if content == original:
        return None
    return Suggestion(first, last, content)


def unified_patch(
    originals: dict[str, str | None], edits: Sequence[TextEdit], context: int = 2
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
