"""The review plan: everything the review step found, as structured data, before any Markdown.

It is also the artifact of the two-job mode for fork PRs, written by a job that ran on the PR's
code and read by a job holding a write token; so it is a closed schema of plain values with
limits on every field. It carries no Markdown and no links: the posting side renders all of
that itself, escaping every value, and takes rule names, explanations and docs links from its
own rule catalog, never from the plan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.github.compare import Cause
from bot.github.diff import FileDiff
from bot.github.models import FULL_NAME, SHA
from bot.github.suggestion import Suggestion, suggest, suggestion_edit, unified_patch
from fixers.findings import Applicability, Finding, ScanError, Severity
from fixers.hcl.source import UnreadableFile, decode

SCHEMA_VERSION = 1
MAX_PLAN_BYTES = 8 * 1024 * 1024
MAX_PATCH_CHARS = 20_000

Fingerprint = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
Line = Annotated[int, Field(ge=1, le=10_000_000)]


def _plain(text: str, what: str) -> str:
    if any(ord(c) < 32 and c not in "\t" for c in text):
        raise ValueError(f"{what} holds control characters")
    return text


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class RepoPath(_Closed):
    path: str = Field(min_length=1, max_length=1024)

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        _plain(value, "path")
        if value.startswith("/") or ".." in value.split("/") or "\\" in value:
            raise ValueError("must be a relative path inside the repository")
        return value


class PlannedCause(RepoPath):
    line: Line | None = None
    removed: bool = False


class PlannedSuggestion(_Closed):
    start_line: Line
    end_line: Line
    content: str = Field(max_length=MAX_PATCH_CHARS)


class PlannedFix(_Closed):
    applicability: Applicability
    description: str = Field(max_length=300)
    suggestion: PlannedSuggestion | None = None
    patch: str | None = Field(default=None, max_length=MAX_PATCH_CHARS)  # unified diff


class PlannedFinding(RepoPath):
    fingerprint: Fingerprint
    rule_id: str = Field(pattern=r"^TAP\d{3}$")
    severity: Severity
    line: Line
    end_line: Line
    resource: str | None = Field(default=None, max_length=300)
    message: str = Field(max_length=2000)
    status: Literal["new", "existing"]
    cause: PlannedCause | None = None
    fix: PlannedFix | None = None
    fix_rejected: str | None = Field(default=None, max_length=500)

    @field_validator("message", "resource", "fix_rejected")
    @classmethod
    def _no_control(cls, value: str | None) -> str | None:
        return None if value is None else _plain(value, "text")


class PlannedError(RepoPath):
    line: Line = 1
    message: str = Field(max_length=1000)


class NoteCode(StrEnum):
    FILES_TRUNCATED = "files-truncated"  # GitHub lists at most 3,000 files
    HEAD_THROUGH_API = "head-through-api"  # the workspace is not the PR head
    BASE_UNKNOWN = "base-unknown"  # some base versions could not be read
    NOTHING_TO_REVIEW = "nothing-to-review"  # no Terraform file changed


class Note(_Closed):
    code: NoteCode
    count: int = Field(default=0, ge=0, le=1_000_000)


class ReviewPlan(_Closed):
    schema_version: Literal[1] = SCHEMA_VERSION
    tool: Literal["tapfix"] = "tapfix"
    repository: str = Field(pattern=FULL_NAME, max_length=200)
    pull_number: int = Field(ge=1, le=100_000_000)
    head_sha: str = Field(pattern=SHA)
    base_sha: str = Field(pattern=SHA)
    report: Literal["new", "all"] = "new"
    findings: list[PlannedFinding] = Field(default_factory=list, max_length=5000)
    preexisting: dict[Severity, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    current: list[Fingerprint] = Field(default_factory=list, max_length=50_000)  # every head finding
    suppressed: list[Fingerprint] = Field(default_factory=list, max_length=50_000)
    errors: list[PlannedError] = Field(default_factory=list, max_length=500)
    notes: list[Note] = Field(default_factory=list, max_length=20)
    modules: int = Field(default=0, ge=0)


class PlanError(Exception):
    pass


def read_plan(path: Path) -> ReviewPlan:
    """A plan from an untrusted artifact file: size-limited, JSON, closed schema."""
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise PlanError(f"{path}: the review artifact is larger than {MAX_PLAN_BYTES // 1048576} MiB")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the review artifact: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(f"{path}: the review artifact is not JSON: {exc}") from None
    try:
        return ReviewPlan.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise PlanError(
            f"{path}: the review artifact does not match its schema ({exc.error_count()} problems; "
            f"first: {where}: {first['msg']})"
        ) from None


def write_plan(plan: ReviewPlan, path: Path, workspace: Path | None = None) -> None:
    """Never through a link the pull request put in `workspace`."""
    from bot.safe_write import Refused, WriteFailed, stage_output, write_all

    try:
        write_all([stage_output(path, (plan.model_dump_json(indent=1) + "\n").encode("utf-8"), workspace)])
    except (Refused, WriteFailed) as exc:
        raise PlanError(f"review-artifact: {exc}") from None


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
    )


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"
