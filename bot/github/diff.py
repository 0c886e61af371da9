"""The PR's diff, per file, as GitHub's `pulls/list-files` gives it: which lines of the new
version a review comment may sit on (hunk by hunk), which lines the PR added, and the old version
of a file rebuilt from the new one by undoing its patch.

GitHub's `patch` holds only hunks, no `---`/`+++` header, so one is prefixed before unidiff reads
it. A file without `patch` (binary, or a diff GitHub found too large) has no hunks: no inline
comment can be placed in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from bot.github.models import ChangedFile

_HEADER = "--- a/file\n+++ b/file\n"


@dataclass(frozen=True)
class Hunk:
    index: int
    target_start: int
    target_length: int
    target_lines: frozenset[int]  # new-version lines shown in the hunk (added and context)
    added: frozenset[int]

    def __contains__(self, line: object) -> bool:
        return line in self.target_lines


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "+", "-", " " or "\\" (no newline at end of file)
    text: str  # without the line ending
    target: int | None  # line number in the new version


@dataclass
class FileDiff:
    path: str
    status: str
    previous_path: str | None = None
    patch: str | None = None
    hunks: list[Hunk] = field(default_factory=list)
    lines: list[list[DiffLine]] = field(default_factory=list)  # per hunk
    error: str | None = None  # why the patch could not be read

    @property
    def has_patch(self) -> bool:
        return bool(self.hunks)

    @property
    def added_lines(self) -> frozenset[int]:
        return frozenset().union(*(h.added for h in self.hunks)) if self.hunks else frozenset()

    def hunk_of(self, line: int) -> Hunk | None:
        return next((h for h in self.hunks if line in h.target_lines), None)

    def same_hunk(self, lines: range | list[int]) -> Hunk | None:
        """The hunk holding every one of `lines`, or None."""
        lines = list(lines)
        if not lines:
            return None
        hunk = self.hunk_of(lines[0])
        return hunk if hunk is not None and all(line in hunk for line in lines) else None


def parse_file_diff(changed: ChangedFile) -> FileDiff:
    diff = FileDiff(
        path=changed.filename,
        status=changed.status,
        previous_path=changed.previous_filename,
        patch=changed.patch,
    )
    if not changed.patch:
        return diff
    try:
        patched = PatchSet(_HEADER + changed.patch + ("" if changed.patch.endswith("\n") else "\n"))
    except UnidiffParseError as exc:
        diff.error = f"unreadable patch: {exc}"
        return diff
    if len(patched) != 1:
        diff.error = "unreadable patch"
        return diff
    for index, hunk in enumerate(patched[0]):
        rows = [DiffLine(line.line_type, line.value.rstrip("\r\n"), line.target_line_no) for line in hunk]
        shown = frozenset(r.target for r in rows if r.target is not None and r.kind in "+ ")
        added = frozenset(r.target for r in rows if r.target is not None and r.kind == "+")
        diff.hunks.append(Hunk(index, hunk.target_start, hunk.target_length, shown, added))
        diff.lines.append(rows)
    return diff


def matches_head(diff: FileDiff, head_text: str) -> bool:
    """True when `head_text` is the new version this patch was made against."""
    lines = _lines(head_text)
    for rows in diff.lines:
        for row in rows:
            if row.kind not in "+ " or row.target is None:
                continue
            if row.target > len(lines) or lines[row.target - 1] != row.text:
                return False
    return True


def reverse_apply(diff: FileDiff, head_text: str) -> str | None:
    """The old version of the file, or None when the patch does not fit `head_text`."""
    if diff.status == "added":
        return None
    if not diff.lines or not matches_head(diff, head_text):
        return None
    newline = "\r\n" if "\r\n" in head_text else "\n"
    head = _lines(head_text)
    old: list[str] = []
    old_marker = new_marker = False
    cursor = 1  # next head line not yet copied
    for hunk, rows in zip(diff.hunks, diff.lines, strict=True):
        # A hunk that only deletes ("+5,0") sits after new line 5.
        first_target = hunk.target_start if hunk.target_length else hunk.target_start + 1
        old.extend(head[cursor - 1 : first_target - 1])
        cursor = first_target
        previous: DiffLine | None = None
        for row in rows:
            if row.kind == " ":
                old.append(row.text)
                cursor += 1
            elif row.kind == "-":
                old.append(row.text)
            elif row.kind == "+":
                cursor += 1
            elif row.kind == "\\" and previous is not None:
                old_marker = old_marker or previous.kind in "- "
                new_marker = new_marker or previous.kind in "+ "
            previous = row
    old.extend(head[cursor - 1 :])
    if not old:
        return ""
    ends_with_newline = (
        not old_marker if (old_marker or new_marker) else head_text.endswith("\n") or not head_text
    )
    return newline.join(old) + (newline if ends_with_newline else "")


def _lines(text: str) -> list[str]:
    """Lines split on "\n" only, as Git and SourceText count them (not str.splitlines)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def removed_file_text(diff: FileDiff) -> str | None:
    """The content of a deleted file, from its all-deletion patch."""
    if diff.status != "removed" or not diff.lines:
        return None
    old: list[str] = []
    ends_with_newline = True
    for rows in diff.lines:
        for row in rows:
            if row.kind == "-":
                old.append(row.text)
            elif row.kind == "\\":
                ends_with_newline = False
    return "\n".join(old) + ("\n" if ends_with_newline and old else "")
