"""Reviewing one pull request: read its files and patches, scan the touched modules at base and
head, keep what the PR introduced, and turn it into a `ReviewPlan` (no GitHub writes here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.github.api import PullRequestApi
from bot.github.compare import cause_of, on_added_line, related_cause, split_new
from bot.github.diff import FileDiff, parse_file_diff
from bot.github.models import PullRequest
from bot.github.plan import Note, NoteCode, ReviewPlan, planned_error, planned_finding
from bot.github.snapshot import Snapshots, build, reviewed_files
from fixers.api import Config, Finding, ReviewedModule, ScanReport, Severity, scan, shared_parses


@dataclass
class Review:
    plan: ReviewPlan
    diffs: dict[str, FileDiff]  # every changed file of the PR, by head path
    head_report: ScanReport  # the touched modules at the head (for SARIF)
    failing: bool  # a reported finding at or above fail-on


@shared_parses()  # the touched modules are loaded at both ends, through their callers, and again
def review_pull_request(
    api: PullRequestApi,
    pr: PullRequest,
    workspace: Path | None,
    config: Config,
    *,
    paths: list[str] | None = None,
    under: str = "",
    report: Literal["new", "all"] = "new",
) -> Review:
    """`under`: only changed files in this folder (relative to the repository root) are reviewed."""
    files = api.files()
    diffs = {f.filename: parse_file_diff(f) for f in files}
    notes: list[Note] = []
    if pr.changed_files is not None and pr.changed_files > len(files):
        notes.append(Note(code=NoteCode.FILES_TRUNCATED, count=pr.changed_files - len(files)))
    changed = reviewed_files(diffs.values(), paths or [], config.exclude, under)
    plan_args = {
        "repository": api.repository,
        "pull_number": pr.number,
        "head_sha": pr.head.sha,
        "base_sha": pr.base.sha,
        "report": report,
    }
    if not changed:
        notes.append(Note(code=NoteCode.NOTHING_TO_REVIEW))
        empty = ScanReport(findings=[], errors=[], files=0, modules=0)
        return Review(ReviewPlan(**plan_args, notes=notes), diffs, empty, False)

    snapshots = build(changed, workspace, api, pr.head.sha, pr.base.sha, diffs, config.exclude, under)
    if snapshots.api_reads and workspace is not None:  # a note only when the workspace should have held them
        notes.append(Note(code=NoteCode.HEAD_THROUGH_API, count=len(set(snapshots.api_reads))))
    if snapshots.missing_base:
        notes.append(Note(code=NoteCode.BASE_UNKNOWN, count=len(snapshots.missing_base)))
    if snapshots.calls_not_followed:
        notes.append(Note(code=NoteCode.CALLS_NOT_FOLLOWED, count=len(set(snapshots.calls_not_followed))))
    if snapshots.callers_incomplete:
        notes.append(Note(code=NoteCode.CALLERS_INCOMPLETE, count=snapshots.callers_incomplete))
    if snapshots.callers_not_checked:
        notes.append(Note(code=NoteCode.CALLERS_NOT_CHECKED, count=len(snapshots.callers_not_checked)))
    head = scan(snapshots.head, config)
    base = scan(snapshots.base, config, verify=False)

    visible = [f for f in head.findings if not f.suppressed]
    new, existing = split_new(visible, [f for f in base.findings if not f.suppressed])
    caller_visible = _callers_new(snapshots, config, new, {f.identity for f in visible})
    modules: dict[str, ReviewedModule | None] = {}

    def module_of(finding: Finding) -> ReviewedModule | None:
        if finding.module not in modules:
            source = next((m for m in snapshots.head if m.path == finding.module), None)
            modules[finding.module] = ReviewedModule(source, config) if source is not None else None
        return modules[finding.module]

    def alone(finding: Finding) -> str | None:
        module = module_of(finding)
        if module is None:
            return "the module is not in the review"
        return module.verify_alone(finding)

    planned = []
    for f in new:
        cause = None
        if not on_added_line(f, changed):
            # A finding in a called module the PR did not touch: its cause is in the caller.
            module = module_of(f)
            if module is None:
                cause = related_cause(f, changed)
            else:
                cause = cause_of(f, module.related_spans(f.resource) if f.resource else [], changed)
        planned.append(planned_finding(f, "new", cause, snapshots.head_texts, changed, alone))
    if report == "all":
        planned += [
            planned_finding(f, "existing", None, snapshots.head_texts, changed, alone) for f in existing
        ]
    preexisting: dict[Severity, int] = {}
    if report == "new":
        for f in existing:
            preexisting[f.severity] = preexisting.get(f.severity, 0) + 1
    reported = new + (existing if report == "all" else [])
    plan = ReviewPlan(
        **plan_args,
        findings=planned,
        preexisting=preexisting,
        current=sorted({f.fingerprint for f in visible + caller_visible}),
        suppressed=sorted(
            {f.fingerprint for f in head.findings if f.suppressed} - {f.fingerprint for f in visible}
        ),
        errors=[planned_error(e) for e in head.errors],
        notes=notes,
        modules=len(snapshots.head),
    )
    failing = any(f.severity.rank >= config.fail_on.rank for f in reported)
    return Review(plan, diffs, head, failing)


def _callers_new(snapshots: Snapshots, config: Config, new: list[Finding], known: set) -> list[Finding]:
    """Add to `new` what the PR causes in the untouched modules that call a touched one (their
    code is the same at both ends, so the change is the PR's doing), unless the touched modules'
    scan has it already (`known`); return every finding of theirs at the head. Their findings
    offer no fix: the review verifies fixes only in touched modules."""
    if not snapshots.callers_head:
        return []
    head = [f for f in scan(snapshots.callers_head, config, verify=False).findings if not f.suppressed]
    base = [f for f in scan(snapshots.callers_base, config, verify=False).findings if not f.suppressed]
    for finding in split_new(head, base)[0]:
        if finding.identity in known:
            continue
        if finding.fix is not None:
            finding.fix = None
            finding.fix_rejected = "not offered in a module this pull request does not change"
        new.append(finding)
    return head
