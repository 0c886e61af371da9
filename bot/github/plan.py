"""The review plan: everything the review step found, as structured data, before any Markdown.

It is tapfix's own output, built from a scan of the PR's files, never read from anywhere else
(the two-job mode's artifact carries only which pull request and commit to review, and the
posting job computes the plan itself: bot/github/forks.py). So nothing here is refused: text is
clipped to a length a comment can show, and every renderer escapes it (bot/markdown_text.py,
bot/terminal_text.py), whatever it holds (a newline or backslash in a path, a control character
in a label, 10,000 findings). It carries no Markdown and no links: rule names, explanations and
docs links come from tapfix's rule catalog when it is rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.github.compare import Cause
from bot.github.diff import FileDiff
from bot.github.suggestion import Suggestion, suggest, suggestion_edit, unified_patch
from fixers.api import Applicability, ErrorKind, Finding, ScanError, Severity, UnreadableFile, decode

MAX_PATCH_CHARS = 20_000

Fingerprint = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
Line = Annotated[int, Field(ge=1)]


class _Plain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlannedCause(_Plain):
    path: str
    line: Line | None = None
    removed: bool = False


class PlannedSuggestion(_Plain):
    start_line: Line
    end_line: Line
    content: str


class PlannedFix(_Plain):
    applicability: Applicability
    description: str
    suggestion: PlannedSuggestion | None = None
    patch: str | None = None  # unified diff


class PlannedFinding(_Plain):
    path: str
    fingerprint: Fingerprint
    rule_id: str = Field(pattern=r"^TAP\d{3}$")
    severity: Severity
    line: Line
    end_line: Line
    resource: str | None = None
    message: str
    status: Literal["new", "existing"]
    cause: PlannedCause | None = None
    fix: PlannedFix | None = None
    fix_rejected: str | None = None


class PlannedError(_Plain):
    path: str
    line: Line = 1
    message: str
    kind: ErrorKind
    rule_id: str | None = None


class NoteCode(StrEnum):
    FILES_TRUNCATED = "files-truncated"  # GitHub lists at most 3,000 files
    HEAD_THROUGH_API = "head-through-api"  # the workspace is not the PR head
    BASE_UNKNOWN = "base-unknown"  # some base versions could not be read
    NOTHING_TO_REVIEW = "nothing-to-review"  # no Terraform file changed
    CALLS_NOT_FOLLOWED = "calls-not-followed"  # called modules past the review's limits
    CALLERS_INCOMPLETE = "callers-incomplete"  # the checkout has more .tf files than were searched
    CALLERS_NOT_CHECKED = "callers-not-checked"  # modules calling touched ones past the limit


class Note(_Plain):
    code: NoteCode
    count: int = Field(default=0, ge=0)


class ReviewPlan(_Plain):
    repository: str
    pull_number: int = Field(ge=1)
    head_sha: str
    base_sha: str
    report: Literal["new", "all"] = "new"
    findings: list[PlannedFinding] = Field(default_factory=list)
    preexisting: dict[Severity, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    current: list[Fingerprint] = Field(default_factory=list)  # every head finding
    suppressed: list[Fingerprint] = Field(default_factory=list)
    errors: list[PlannedError] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    modules: int = Field(default=0, ge=0)


# --- building a plan from a scan ---------------------------------------------------------------


def planned_finding(
    finding: Finding,
    status: Literal["new", "existing"],
    cause: Cause | None,
    head_texts: dict[str, bytes],
    changed: dict[str, FileDiff],
    verify_alone: Callable[[Finding], str | None] | None = None,
) -> PlannedFinding:
    """`verify_alone` says why a finding's fix, applied on its own, fails verification (None: it
    passes); a suggestion is committed on its own, so one that fails it is shown as a patch."""
    return PlannedFinding(
        path=finding.path,
        fingerprint=finding.fingerprint,
        rule_id=finding.rule_id,
        severity=finding.severity,
        line=max(finding.line, 1),
        end_line=max(finding.end_line, finding.line, 1),
        resource=_clip(finding.resource, 300),
        message=_clip(" ".join(finding.message.split()), 2000) or "",
        status=status,
        cause=PlannedCause(path=cause.path, line=cause.line, removed=cause.removed) if cause else None,
        fix=_planned_fix(finding, head_texts, changed, verify_alone),
        fix_rejected=_clip(" ".join(finding.fix_rejected.split()), 500) if finding.fix_rejected else None,
    )


def _planned_fix(
    finding: Finding,
    head_texts: dict[str, bytes],
    changed: dict[str, FileDiff],
    verify_alone: Callable[[Finding], str | None] | None,
) -> PlannedFix | None:
    fix = finding.fix
    if fix is None:
        return None
    originals: dict[str, str | None] = {}
    sources = {}
    for path in fix.paths:
        data = head_texts.get(path)
        if data is None:
            originals[path] = None
            continue
        try:
            sources[path] = decode(path, data)
        except UnreadableFile:
            return None
        originals[path] = sources[path].text
    suggestion: Suggestion | None = None
    diff = changed.get(finding.path)
    if fix.paths == [finding.path] and finding.path in sources and diff is not None:
        hunk = diff.hunk_of(finding.line)
        candidate = suggest(sources[finding.path], fix.edits, diff) if hunk is not None else None
        if (
            candidate is not None
            and diff.same_hunk(range(candidate.start_line, candidate.end_line + 1)) is hunk
        ):
            suggestion = candidate
    if suggestion is not None and len(suggestion.content) > MAX_PATCH_CHARS:
        suggestion = None
    if suggestion is not None and verify_alone is not None:
        # Verified as GitHub commits it: this one edit, alone, on the head file.
        edit = suggestion_edit(sources[finding.path], suggestion)
        alone = finding.model_copy(update={"fix": fix.model_copy(update={"edits": (edit,)})})
        if verify_alone(alone) is not None:
            suggestion = None
    patch = unified_patch(originals, fix.edits)
    if patch is not None and len(patch) > MAX_PATCH_CHARS:
        patch = None
    return PlannedFix(
        applicability=fix.applicability,
        description=_clip(" ".join(fix.description.split()), 300) or "",
        suggestion=PlannedSuggestion(
            start_line=suggestion.start_line, end_line=suggestion.end_line, content=suggestion.content
        )
        if suggestion
        else None,
        patch=patch,
    )


def planned_error(error: ScanError) -> PlannedError:
    return PlannedError(
        path=error.path or ".",
        line=max(error.line, 1),
        message=_clip(" ".join(error.message.split()), 1000) or "",
        kind=error.kind,
        rule_id=error.rule_id,
    )


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"
