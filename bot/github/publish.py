"""Posting a review plan to the PR: decide once where each finding goes, reconcile with tapfix's
comments from earlier runs, post what is new, and edit the one summary comment.

- A finding on a line of a hunk becomes an inline comment, with a suggestion when its fix fits in
  that hunk; everything else goes to the summary, saying why.
- Re-runs: an open comment with the same fingerprint at the same line is kept (edited if its text
  changed), so nothing is posted twice; a comment whose finding is gone is marked fixed (body
  edited, thread resolved where the token may use GraphQL).
- Every inline comment is checked against the parsed diff first; if GitHub still answers 422, the
  review is split in halves until the offending comments are found, and they go to the summary.
- A token that may not write (fork PR, missing `permissions:`) stops the posting, never the job:
  the findings stay in the job summary and the SARIF file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.github.api import PullRequestApi, Thread
from bot.github.client import GitHubError
from bot.github.diff import FileDiff
from bot.github.fingerprints import SUMMARY, is_own, read_marker, review_marker
from bot.github.models import ReviewComment
from bot.github.plan import PlannedFinding, ReviewPlan
from bot.github.render import (
    MAX_BODY,
    Links,
    Placement,
    SummaryState,
    comment_body,
    fixed_body,
    review_body,
    summary_markdown,
)

# Inline comments per review. GitHub documents no cap (the OpenAPI description of
# pulls/create-review sets no maxItems on `comments`), but one review with more than 30 fails:
# src-d/lookout#264 measured 502 at 32 comments and "was submitted too quickly" above, 27 working;
# reviewdog posts at most 30 per review since reviewdog#355 (502 above 30), as lookout does.
# So a review is split only above 30; the default max-comments (25) posts one review.
REVIEW_CHUNK = 30
READ_ONLY_NOTE = (
    "The workflow token cannot comment on this PR (a fork PR gets a read-only token), so this review "
    "is only in the job summary and the SARIF file. The two-job set-up of tapfix's docs/action.md posts it for forks."
)


@dataclass(frozen=True)
class Settings:
    comment_mode: str = "review"  # "review", "summary" or "off"
    max_comments: int = 25
    bot_login: str = "github-actions[bot]"


@dataclass(frozen=True)
class Anchor:
    start_line: int | None  # None for a one-line comment
    line: int
    with_suggestion: bool


@dataclass
class Draft:
    finding: PlannedFinding
    anchor: Anchor
    body: str

    def payload(self) -> dict[str, Any]:
        comment: dict[str, Any] = {
            "path": self.finding.path,
            "body": self.body,
            "line": self.anchor.line,
            "side": "RIGHT",
        }
        if self.anchor.start_line is not None:
            comment.update(start_line=self.anchor.start_line, start_side="RIGHT")
        return comment


@dataclass
class Outcome:
    state: SummaryState
    posted: int = 0
    updated: int = 0
    kept: int = 0
    fixed: int = 0
    summary_posted: bool = False
    read_only: bool = False
    requests: list[str] = field(default_factory=list)


# --- deciding where each finding goes ------------------------------------------------------------


def anchor_for(f: PlannedFinding, diffs: dict[str, FileDiff]) -> Anchor | Placement:
    diff = diffs.get(f.path)
    if diff is None:
        return Placement.OUTSIDE_DIFF
    if not diff.has_patch:
        return Placement.NO_PATCH
    hunk = diff.hunk_of(f.line)
    if hunk is None:
        return Placement.OUTSIDE_DIFF
    suggestion = f.fix.suggestion if f.fix is not None else None
    if suggestion is not None and suggestion.start_line <= suggestion.end_line:
        span = range(suggestion.start_line, suggestion.end_line + 1)
        if diff.same_hunk(span) is hunk:
            start = suggestion.start_line if suggestion.start_line < suggestion.end_line else None
            return Anchor(start, suggestion.end_line, True)
    return Anchor(None, f.line, False)


def _overlap(a: Anchor, b: Anchor) -> bool:
    """Do two comments share a line?"""
    return (a.start_line or a.line) <= b.line and (b.start_line or b.line) <= a.line


def problem(comment: dict[str, Any], diffs: dict[str, FileDiff]) -> str | None:
    """Why GitHub would reject this inline comment (its own rules, which the schema lacks)."""
    diff = diffs.get(comment.get("path", ""))
    if diff is None or not diff.has_patch:
        return "the file is not in the diff"
    line = comment.get("line")
    hunk = diff.hunk_of(line) if isinstance(line, int) else None
    if hunk is None:
        return "the line is not part of the diff"
    if comment.get("side") != "RIGHT":
        return "side must be RIGHT"
    start = comment.get("start_line")
    if start is not None:
        if not isinstance(start, int) or start >= line:
            return "start_line must precede line"
        if diff.same_hunk(range(start, line + 1)) is not hunk or comment.get("start_side") != "RIGHT":
            return "start_line must be in the same hunk as line"
    if not comment.get("body") or len(comment["body"]) > MAX_BODY:
        return "the body is empty or longer than 65536 characters"
    return None


def _ordered(plan: ReviewPlan) -> list[PlannedFinding]:
    return sorted(plan.findings, key=lambda f: (-f.severity.rank, f.path, f.line, f.rule_id))


# --- posting --------------------------------------------------------------------------------------


def publish(
    api: PullRequestApi, plan: ReviewPlan, diffs: dict[str, FileDiff], settings: Settings, links: Links
) -> Outcome:
    outcome = Outcome(SummaryState())
    state = outcome.state
    if settings.comment_mode == "off":
        state.placements = {f.fingerprint: Placement.NOT_POSTED for f in plan.findings}
        return outcome
    try:
        _publish(api, plan, diffs, settings, links, outcome)
    except GitHubError as exc:
        if not exc.forbidden:
            raise
        outcome.read_only = True
        for f in plan.findings:
            if state.placements.get(f.fingerprint) not in (Placement.INLINE, Placement.KEPT):
                state.placements[f.fingerprint] = Placement.NOT_POSTED
        state.notes.append(READ_ONLY_NOTE)
    return outcome


def _publish(
    api: PullRequestApi,
    plan: ReviewPlan,
    diffs: dict[str, FileDiff],
    settings: Settings,
    links: Links,
    outcome: Outcome,
) -> None:
    state = outcome.state
    ours = [c for c in api.review_comments() if _own_thread_start(c, settings.bot_login)]
    open_by_fp: dict[str, list[ReviewComment]] = {}
    for c in ours:
        marker = read_marker(c.body)
        if marker is not None and marker.state == "":
            open_by_fp.setdefault(marker.fingerprint, []).append(c)

    drafts: list[Draft] = []
    moved: list[tuple[ReviewComment, PlannedFinding]] = []
    inline_budget = settings.max_comments if settings.comment_mode == "review" else 0
    suggested: dict[str, list[Anchor]] = {}  # path -> the suggestions of this review
    for f in _ordered(plan):
        where = anchor_for(f, diffs)
        shared = isinstance(where, Anchor) and where.with_suggestion
        if shared and any(_overlap(where, other) for other in suggested.get(f.path, [])):
            # GitHub applies one suggestion per line in a batch: the more severe finding (first
            # in this order) keeps the suggestion, this one shows its fix as a patch.
            where = Anchor(None, f.line, False)
        if f.status == "existing" and isinstance(where, Placement):
            where = Placement.PREEXISTING if where is Placement.OUTSIDE_DIFF else where
        if isinstance(where, Placement):
            state.placements[f.fingerprint] = where
            continue
        body = comment_body(f, where.with_suggestion)
        current = [c for c in open_by_fp.get(f.fingerprint, []) if c.line is not None]
        same_place = next((c for c in current if c.line == where.line), None)
        if inline_budget > 0 and where.with_suggestion:
            suggested.setdefault(f.path, []).append(where)
        if same_place is not None and inline_budget > 0:
            inline_budget -= 1
            state.placements[f.fingerprint] = Placement.KEPT
            state.comment_urls[f.fingerprint] = same_place.html_url
            outcome.kept += 1
            if same_place.body.strip() != body.strip():
                api.update_review_comment(same_place.id, body)
                outcome.updated += 1
            continue
        if inline_budget <= 0:
            summary_only = settings.comment_mode == "summary"
            state.placements[f.fingerprint] = Placement.SUMMARY_ONLY if summary_only else Placement.CAPPED
            continue
        inline_budget -= 1
        moved += [(c, f) for c in current]
        drafts.append(Draft(f, where, body))

    for draft in drafts:
        if problem(draft.payload(), diffs) is not None:
            state.placements[draft.finding.fingerprint] = Placement.OUTSIDE_DIFF
    drafts = [d for d in drafts if d.finding.fingerprint not in state.placements]

    if drafts:
        latest = api.get()
        if latest.head.sha != plan.head_sha:
            for d in drafts:
                state.placements[d.finding.fingerprint] = Placement.NOT_POSTED
            state.notes.append(
                f"The PR moved on to {latest.head.sha[:7]} while tapfix reviewed {plan.head_sha[:7]}: "
                "inline comments were not posted; the run for the new head posts them."
            )
            drafts = []
    total_new = sum(1 for f in plan.findings if f.status == "new")
    for batch in _chunks(drafts):
        posted, rejected = _post_bisecting(api, plan, batch, total_new)
        for d in posted:
            state.placements[d.finding.fingerprint] = Placement.INLINE
        for d in rejected:
            state.placements[d.finding.fingerprint] = Placement.REJECTED
        outcome.posted += len(posted)

    present = set(plan.current)
    suppressed = set(plan.suppressed)
    closer = _Closer(api, plan.head_sha)
    for c in ours:
        marker = read_marker(c.body)
        if marker is None or marker.state != "":
            continue
        if marker.fingerprint in suppressed:
            closer.close(c, marker.fingerprint, "suppressed")
            outcome.fixed += 1
        elif marker.fingerprint not in present:
            closer.close(c, marker.fingerprint, "fixed")
            outcome.fixed += 1
    for c, f in moved:
        if state.placements.get(f.fingerprint) is Placement.INLINE:
            closer.close(c, f.fingerprint, "moved")
    state.fixed = outcome.fixed

    if outcome.posted:
        for c in api.review_comments():
            marker = read_marker(c.body)
            if _own_thread_start(c, settings.bot_login) and marker is not None and marker.state == "":
                state.comment_urls[marker.fingerprint] = c.html_url
    _upsert_summary(api, plan, settings, links, outcome)


def _own_thread_start(c: ReviewComment, bot_login: str) -> bool:
    return c.in_reply_to_id is None and is_own(c.user.login if c.user else None, bot_login)


def _chunks(drafts: list[Draft]) -> list[list[Draft]]:
    return [drafts[i : i + REVIEW_CHUNK] for i in range(0, len(drafts), REVIEW_CHUNK)]


def _post_bisecting(
    api: PullRequestApi, plan: ReviewPlan, batch: list[Draft], total_new: int
) -> tuple[list[Draft], list[Draft]]:
    """Post `batch` as one review; on 422 (GitHub does not say which comment is wrong) post each
    half separately, down to single comments, and return (posted, rejected)."""
    marker = review_marker()
    try:
        api.create_review(
            plan.head_sha, review_body(marker, len(batch), total_new), [d.payload() for d in batch], marker
        )
        return batch, []
    except GitHubError as exc:
        if exc.status != 422:
            raise
    if len(batch) == 1:
        return [], batch
    middle = len(batch) // 2
    first_posted, first_rejected = _post_bisecting(api, plan, batch[:middle], total_new)
    second_posted, second_rejected = _post_bisecting(api, plan, batch[middle:], total_new)
    return first_posted + second_posted, first_rejected + second_rejected


@dataclass
class _Closer:
    """Marks comments fixed/suppressed/moved: the edited body records it for later runs (and for
    tokens that may not use GraphQL); resolving the thread folds it away where the token allows."""

    api: PullRequestApi
    head_sha: str
    _threads: dict[int, Thread] | None = None
    _graphql_failed: bool = False

    def close(self, comment: ReviewComment, fingerprint: str, state: str) -> None:
        self.api.update_review_comment(
            comment.id, fixed_body(comment.body, fingerprint, self.head_sha, state)
        )
        if self._graphql_failed:
            return
        try:
            if self._threads is None:
                self._threads = self.api.review_threads()
            thread = self._threads.get(comment.id)
            if thread is not None and not thread.resolved:
                self.api.resolve_thread(thread.id)
        except GitHubError:
            self._graphql_failed = True  # a courtesy only: the edited body already says it


def _upsert_summary(
    api: PullRequestApi, plan: ReviewPlan, settings: Settings, links: Links, outcome: Outcome
) -> None:
    mine = [
        c
        for c in api.issue_comments()
        if is_own(c.user.login if c.user else None, settings.bot_login)
        and (m := read_marker(c.body)) is not None
        and m.kind == "summary"
    ]
    worth_saying = plan.findings or plan.errors or plan.notes or outcome.fixed or outcome.state.notes
    if not mine and not worth_saying:
        return  # a clean PR gets no comment at all
    body = summary_markdown(plan, outcome.state, links, limit=MAX_BODY)
    if mine:
        if (mine[0].body or "").strip() != body.strip():
            api.update_issue_comment(mine[0].id, body)
        for extra in mine[1:]:  # a concurrent run posted a second one: keep only the first
            api.delete_issue_comment(extra.id)
    else:
        api.create_issue_comment(body, SUMMARY)
    outcome.summary_posted = True
