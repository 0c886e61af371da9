"""A hostile pull request: its file path, attribute values and the comments already on it carry
Markdown, HTML, backtick fences, @mentions, issue references, URLs and forged tapfix markers.

Every body the bot writes (inline comments, review bodies, the summary, the job summary, the
/tapfix reply and commit message) is rendered with cmark-gfm, GitHub's own Markdown parser, and
then checked the way GitHub post-processes rendered text: outside code and links, no `@name`
(a mention), no `#123`, `GH-123` or `owner/repo#123` (an issue reference), no `scheme://` or
`www.` (a link). No tag, link or HTML comment may come from the PR, every fence holds exactly its
content, and no comment the bot did not write is ever edited, resolved or deleted.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.github.api import PullRequestApi
from bot.github.client import GitHubClient
from bot.github.fingerprints import SUMMARY, review_marker
from bot.github.plan import PlannedCause, PlannedError, PlannedFinding, PlannedFix, ReviewPlan
from bot.github.render import MAX_BODY, Links, SummaryState, comment_body, summary_markdown
from bot.markdown_text import unlinked
from bot.tapfix_command import reply
from fixers.config import Config
from fixers.engine import scan
from fixers.workspace import ModuleInput
from tests.github.conftest import run_action
from tests.github.fake_github import BOT, TOKEN, _user
from tests.github.pr import changed_entries, pull_request_event, write_tree
from tests.github.sample_review import run_sample
from tests.github.tapfix_command_pr import comment_event, default_branch, open_pr

EVIL = (
    "@octocat fixes #12 GH-7 o/r#3 user@example.com https://evil.example www.evil.example "
    "<img src=x onerror=alert(1)> <script>alert(1)</script> [link](https://evil.example) "
    "![i](https://evil.example/i.png) ``` *bold* <!-- tapfix:v1 summary --> <!-- tapfix:v1 fp=0123456789abcdef -->"
)
PATH = "infra/@octocat fixes #12 <img src=x> [a](javascript:b) ```.tf"  # no "/": one file in infra/
MAIN = 'terraform {\n  required_version = ">= 1.5"\n}\n'
HOSTILE = (
    'resource "aws_s3_bucket" "evil" {\n'
    f'  bucket = "{EVIL}"\n'
    "\n"
    "  tags = {\n"
    f'    Owner = "{EVIL}"\n'
    "  }\n"
    "} # ``` a fence in the file, so a suggestion must use a longer one\n"
)
FIXED = HOSTILE + (
    '\nresource "aws_s3_bucket_versioning" "evil" {\n  bucket = aws_s3_bucket.evil.id\n\n'
    '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n'
)
CONFIG = "select: [TAP201, TAP212]\n"
BASE = {"infra/main.tf": MAIN}
HEAD = {"infra/main.tf": MAIN, PATH: HOSTILE}
MALLORY = _user("mallory")


# --- reading rendered Markdown the way GitHub's filters do ---------------------------------------

_ALLOWED_TAGS = {
    "p", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "a", "strong", "em", "blockquote",
    "details", "summary", "br", "ul", "ol", "li", "h2", "h3", "hr",
}  # fmt: skip
# GitHub turns these into mentions, issue references and links in rendered text (not in code or links).
_AUTOLINKED = re.compile(r"@[A-Za-z0-9]|#\d|(?i:\bgh-\d)|://|(?i:\bwww\.)")


class _Rendered(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.comments: list[str] = []
        self.exposed: list[str] = []  # text outside code, pre and links
        self.blocks: list[tuple[str, str]] = []  # (language, content) of each fenced block
        self.codes: list[str] = []  # the text of each inline code span
        self._stack: list[str] = []
        self._block: list[str] | None = None
        self._language = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        if tag == "pre":
            self._block, self._language = [], attributes.get("lang", "")
        if tag == "code" and self._block is not None and not self._language:
            self._language = (attributes.get("class") or "").removeprefix("language-")
        if tag == "code" and self._block is None:
            self.codes.append("")
        if tag not in ("br", "hr"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "pre" and self._block is not None:
            self.blocks.append((self._language, "".join(self._block)))
            self._block = None
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self._block is not None:
            self._block.append(data)
        elif "code" in self._stack:
            self.codes[-1] += data
        elif not {"code", "pre", "a"} & set(self._stack):
            self.exposed.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def rendered(markdown: str) -> _Rendered:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parser = _Rendered()
    parser.feed(html)
    return parser


def assert_inert(body: str, allowed_links: tuple[str, ...], fences: dict[str, str] | None = None) -> None:
    """Nothing from the PR can format, ping, reference, link, inject HTML or end a fence early."""
    assert len(body) <= MAX_BODY
    page = rendered(body)
    assert set(page.tags) <= _ALLOWED_TAGS, set(page.tags) - _ALLOWED_TAGS
    assert all(link.startswith(allowed_links) for link in page.links), page.links
    text = "".join(page.exposed)
    assert not _AUTOLINKED.search(text), _AUTOLINKED.findall(text)
    assert page.comments[1:] == [], page.comments  # only the bot's own marker, first
    # Nor in the raw text of the body: a search for tapfix's markers there (after a 5xx, the bot
    # looks for the one it sent) must find only the bot's own.
    # (Code spans and blocks hold what they hold: the bot matches markers only at a body's start.)
    outside_code = "\n".join(
        line if line.startswith("<") else _without_code_spans(line)  # HTML blocks have no code spans
        for line in _without_fences(body).split("\n")
    )
    assert outside_code.count("<!--") <= 1 and "<!--" not in outside_code.partition("\n")[2], body
    for language, content in (fences or {}).items():
        assert (language, content) in page.blocks, page.blocks


def _without_fences(body: str) -> str:
    return re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", body)


def _without_code_spans(text: str) -> str:
    """`text` without its inline code spans, found as CommonMark finds them (a backslash escapes the
    first backtick of a run; a span ends at the next run of the same length)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        run = re.match(r"`+", text[i:])
        if run is None:
            out.append(text[i])
            i += 1
            continue
        ticks = run.group(0)
        end = re.compile(rf"(?<!`){ticks}(?!`)").search(text, i + len(ticks))
        if end is None:
            out.append(ticks)
            i += len(ticks)
        else:
            i = end.end()
    return "".join(out)


def _links(fake) -> tuple[str, ...]:
    return (
        "https://github.com/tapfix/tapfix/blob/main/docs/rules/",
        f"https://github.com/{fake.repository}/blob/",
        f"https://github.com/{fake.repository}/pull/{fake.number}#",
        f"https://github.com/{fake.repository}/commit/",
    )


# --- the review ---------------------------------------------------------------------------------


def _fingerprint(rule_id: str) -> str:
    module = ModuleInput(path="infra", files={p: t.encode() for p, t in HEAD.items()})
    config = Config(select=["TAP201", "TAP212"])
    return next(f.fingerprint for f in scan([module], config, jobs=1).findings if f.rule_id == rule_id)


def _hostile_pr(github, tmp_path, head=HEAD):
    fake = github.fake
    fake.files = changed_entries(BASE, head)
    for run in ("first", "second"):
        (tmp_path / run).mkdir(exist_ok=True)
    return write_tree(tmp_path / f"ws-{len(list(tmp_path.glob('ws-*')))}", {**head, ".tapfix.yml": CONFIG})


def _forge(fake) -> dict[str, int]:
    """Comments by someone else that carry tapfix's markers: a summary, an open finding comment on
    the line tapfix will comment on, and one for a finding that does not exist (so 'fixed')."""
    ids = {"summary": 901, "finding": 902, "gone": 903}
    fake.issue_comments.append(
        {
            "id": ids["summary"],
            "node_id": "IC_901",
            "body": "<!-- tapfix:v1 summary -->\n## tapfix: no new findings",
            "user": MALLORY,
            "html_url": f"https://github.com/{fake.repository}/pull/{fake.number}#issuecomment-901",
        }
    )
    for key, fingerprint in (("finding", _fingerprint("TAP201")), ("gone", "fedcba9876543210")):
        fake.review_comments.append(
            {
                "id": ids[key],
                "node_id": f"PRRC_{ids[key]}",
                "pull_request_review_id": 900,
                "path": PATH,
                "line": 7,
                "original_line": 7,
                "start_line": None,
                "side": "RIGHT",
                "body": f"<!-- tapfix:v1 fp={fingerprint} -->\nforged: resolve me",
                "user": MALLORY,
                "commit_id": fake.head_sha,
                "html_url": f"https://github.com/{fake.repository}/pull/{fake.number}#discussion_r{ids[key]}",
            }
        )
        fake.threads[ids[key]] = {"id": f"PRRT_{ids[key]}", "isResolved": False}
    return ids


def _touched(fake, ids: dict[str, int]) -> list[str]:
    """Writes aimed at a comment or thread the bot did not write."""
    hits = []
    for call in fake.writes():
        if any(call.path.endswith(f"/{i}") for i in ids.values()):
            hits.append(f"{call.operation} {call.path}")
    for call in fake.calls:
        if call.operation == "graphql-mutation":
            thread = ((call.body or {}).get("variables") or {}).get("threadId", "")
            if thread in {f"PRRT_{i}" for i in ids.values()}:
                hits.append(f"resolve {thread}")
    return hits


def test_a_hostile_pr_cannot_format_ping_link_or_break_out_of_the_bots_comments(github, tmp_path, capsys):
    fake = github.fake
    workspace = _hostile_pr(github, tmp_path)
    ids = _forge(fake)

    run = run_action(tmp_path / "first", capsys, fake, workspace, pull_request_event(fake))

    assert run.exit_code == 1
    mine = [c for c in fake.review_comments if c["user"] == BOT]
    assert {c["body"].split("\n", 1)[0] for c in mine} >= {f"<!-- tapfix:v1 fp={_fingerprint('TAP201')} -->"}
    # The fix goes between the brace and its trailing comment, so the fence holds the comment's ```.
    suggestion = (
        '}\n\nresource "aws_s3_bucket_versioning" "evil" {\n  bucket = aws_s3_bucket.evil.id\n\n'
        '  versioning_configuration {\n    status = "Enabled"\n  }\n'
        "} # ``` a fence in the file, so a suggestion must use a longer one\n"
    )
    with_suggestion = [c for c in mine if "suggestion" in c["body"]]
    assert with_suggestion
    for comment in mine:
        fences = {"suggestion": suggestion} if comment in with_suggestion else None
        assert_inert(comment["body"], _links(fake), fences)
    for review in fake.reviews:
        assert_inert(review["body"], _links(fake))
    [summary] = [c for c in fake.issue_comments if c["user"] == BOT]
    assert_inert(summary["body"], _links(fake))
    assert_inert(run.job_summary, _links(fake))
    assert "aws_s3_bucket.evil" in summary["body"] and "aws_s3_bucket.evil" in run.job_summary
    assert _touched(fake, ids) == []


def test_forged_markers_do_not_make_the_bot_edit_or_resolve_what_it_did_not_write(github, tmp_path, capsys):
    fake = github.fake
    workspace = _hostile_pr(github, tmp_path)
    ids = _forge(fake)
    run_action(tmp_path / "first", capsys, fake, workspace, pull_request_event(fake))
    fake.push("c" * 40, changed_entries(BASE, {**HEAD, PATH: FIXED}))
    workspace = _hostile_pr(github, tmp_path, {**HEAD, PATH: FIXED})

    run = run_action(tmp_path / "second", capsys, fake, workspace, pull_request_event(fake))

    assert run.exit_code == 1  # TAP212 remains
    assert _touched(fake, ids) == []
    forged = {c["id"]: c["body"] for c in fake.review_comments + fake.issue_comments if c["user"] == MALLORY}
    assert forged == {
        901: "<!-- tapfix:v1 summary -->\n## tapfix: no new findings",
        902: f"<!-- tapfix:v1 fp={_fingerprint('TAP201')} -->\nforged: resolve me",
        903: "<!-- tapfix:v1 fp=fedcba9876543210 -->\nforged: resolve me",
    }
    assert not any(fake.threads[i]["isResolved"] for i in (902, 903))
    fixed = [
        c for c in fake.review_comments if c["user"] == BOT and "fixed -->" in c["body"].split("\n", 1)[0]
    ]
    assert fixed and all(fake.threads[c["id"]]["isResolved"] for c in fixed)  # its own: marked and resolved
    for comment in fixed:
        assert_inert(comment["body"], _links(fake))


def _own_summaries(fake) -> list[dict]:
    return [c for c in fake.issue_comments if c["user"] == BOT and c["body"].startswith(SUMMARY)]


@pytest.mark.parametrize("landed", [False, True], ids=["post-lost", "post-landed"])
def test_a_forged_summary_is_not_taken_for_the_bots_own_after_a_502(github, tmp_path, capsys, landed):
    # After a 5xx on the summary's POST the bot looks for it before posting again: the PR author's
    # comment that starts with the summary marker must not pass for it (no summary at all).
    fake = github.fake
    workspace = _hostile_pr(github, tmp_path)
    ids = _forge(fake)
    fake.fail("issues/create-comment", 502, apply_first=landed)

    run = run_action(tmp_path / "first", capsys, fake, workspace, pull_request_event(fake))

    assert run.exit_code == 1
    posts = [c for c in fake.calls if c.operation == "issues/create-comment"]
    assert [c.status for c in posts] == ([502] if landed else [502, 201])  # the recheck ran
    [summary] = _own_summaries(fake)
    assert "aws_s3_bucket.evil" in summary["body"]

    rerun = run_action(tmp_path / "second", capsys, fake, workspace, pull_request_event(fake))

    assert rerun.exit_code == 1
    assert _own_summaries(fake) == [summary]  # kept (the same text), not posted again
    assert _touched(fake, ids) == []
    forged = next(c for c in fake.issue_comments if c["id"] == ids["summary"])
    assert (
        forged["user"] == MALLORY
        and forged["body"] == "<!-- tapfix:v1 summary -->\n## tapfix: no new findings"
    )


def test_after_a_failed_post_only_the_bots_own_comment_starting_with_the_marker_counts(github):
    # The same test for the /tapfix reply and the review, whose markers are unique to one POST: a
    # copy of the marker by someone else, or the bot's own comment quoting it, is not the post.
    fake = github.fake
    fake.files = changed_entries(BASE, HEAD)
    api = PullRequestApi(
        GitHubClient(TOKEN, api_url=fake.base_url), fake.repository, fake.number, BOT["login"]
    )
    reply_mark, review_mark = reply.marker(4242), review_marker()
    forged = [
        {"id": 911, "body": f"{reply_mark}\nforged reply", "user": MALLORY},
        {"id": 912, "body": f"quoted:\n{reply_mark}\n", "user": BOT},
        {"id": 913, "body": f"{reply_mark}\na look-alike login", "user": _user("GitHub-Actions")},
    ]
    fake.issue_comments += [
        {**c, "node_id": f"IC_{c['id']}", "html_url": f"https://github.com/x#issuecomment-{c['id']}"}
        for c in forged
    ]
    fake.reviews.append(
        {
            "id": 914,
            "node_id": "PRR_914",
            "user": MALLORY,
            "body": f"{review_mark}\nforged",
            "state": "COMMENTED",
        }
    )
    fake.fail("issues/create-comment", 502)
    fake.fail("pulls/create-review", 502)

    comment = api.create_issue_comment(f"{reply_mark}\nthe reply", reply_mark)
    review = api.create_review(fake.head_sha, f"{review_mark}\nthe review", [], review_mark)

    assert comment.id not in (911, 912, 913) and comment.body == f"{reply_mark}\nthe reply"
    assert review.id != 914 and review.body == f"{review_mark}\nthe review"
    assert [c["id"] for c in fake.issue_comments if c["body"].startswith(reply_mark)] == [
        911,
        913,
        comment.id,
    ]
    assert [c.status for c in fake.calls if c.method == "POST"] == [502, 201, 502, 200]


# --- /tapfix ------------------------------------------------------------------------------------


def test_tapfix_reply_and_commit_message_on_a_hostile_pr_are_inert(github, tmp_path, capsys):
    fake = github.fake
    open_pr(fake, BASE, HEAD)
    workspace = default_branch(tmp_path, BASE, "select: [TAP201]\n")

    run = run_action(tmp_path, capsys, fake, workspace, comment_event(fake), "issue_comment")

    assert run.outputs["command-result"] == "committed"
    [reply] = fake.issue_comments
    assert_inert(reply["body"], _links(fake))
    commit = fake.git.commits[fake.git.refs[f"heads/{fake.head_ref}"]]
    message = commit["message"]
    assert unlinked(PATH) in message  # named, with the invisible breaks that keep it from linking
    # A commit message is plain text that GitHub still scans: "fixes #12" would close issue 12 on merge.
    named = [line for line in message.splitlines() if line.startswith("- ")]
    assert named and not any(_AUTOLINKED.search(line) for line in named), named


# --- size ---------------------------------------------------------------------------------------


def test_bodies_stay_under_githubs_limit_with_a_note_saying_what_was_left_out(github, tmp_path, capsys):
    fake = github.fake
    count = 400  # two findings each (TAP201, TAP212): far more than 64 KiB of table rows
    buckets = "".join(
        f'resource "aws_s3_bucket" "b{i:03d}_{"x" * 40}" {{\n  bucket = "{EVIL[:120]}"\n}}\n\n'
        for i in range(count)
    )
    workspace = _hostile_pr(github, tmp_path, {**BASE, "infra/s3.tf": buckets})

    run = run_action(tmp_path / "first", capsys, fake, workspace, pull_request_event(fake))

    [summary] = fake.issue_comments
    assert len(summary["body"]) <= MAX_BODY
    rows = summary["body"].count("\n| high | ")
    assert 0 < rows < 2 * count
    assert f"… and {2 * count - rows} more (see the job summary and the SARIF file)." in summary["body"]
    assert all(len(c["body"]) <= MAX_BODY for c in fake.review_comments + fake.reviews)
    assert run.job_summary.count("\n| high | ") == 2 * count  # the job summary lists every one
    assert_inert(summary["body"], _links(fake))


def test_rendering_sees_what_github_would_link():
    # The checks above must be able to fail: raw text is caught, escaped-but-decoded text too.
    with pytest.raises(AssertionError):
        assert_inert("<!-- tapfix:v1 summary -->\nsee &#64;octocat and &#35;12", ())
    with pytest.raises(AssertionError):
        assert_inert("<!-- tapfix:v1 summary -->\n<img src=x>", ())
    with pytest.raises(AssertionError):
        assert_inert("x\n```suggestion\na\n```\n```\nb\n```", (), {"suggestion": "a\n```\nb\n"})
    assert_inert("<!-- tapfix:v1 summary -->\n`@octocat #12 https://x`", ())


# --- any value, every body ------------------------------------------------------------------------

_PIECES = [
    *"\\`*_{}[]()<>#+-.!|~@:&\"';=$%^?, \tabwx019é",
    "www.", "https://", "@octocat", "#12", "GH-7", "o/r#3", "a@b.co", "<!-- tapfix:v1 summary -->",
    "<img src=x>", "&#64;", "```", "[a](https://evil.example)", "![i](x)", "1. ", "- ", "> ", "# ",
    "[ ] ", "[a]: https://evil.example", "aws_s3_bucket.logs", "_a_", "~~",
]  # fmt: skip
_VALUE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=16).map("".join).filter(str.strip)
_PATH = _VALUE.map(lambda v: "infra/" + v.replace("\\", "").strip()).filter(
    lambda p: ".." not in p.split("/") and not p.endswith("/")
)


def _shown(text: str) -> str:
    return text.strip().replace("\u200b", "")


@settings(max_examples=400, deadline=None)
@given(path=_PATH, cause=_PATH, message=_VALUE, resource=_VALUE, description=_VALUE)
def test_any_path_message_resource_or_fix_text_stays_inert_and_reads_as_written(
    path, cause, message, resource, description
):
    finding = PlannedFinding(
        path=path,
        fingerprint="0123456789abcdef",
        rule_id="TAP201",
        severity="high",
        line=3,
        end_line=3,
        resource=resource,
        message=message,
        status="new",
        cause=PlannedCause(path=cause, line=2),
        fix=PlannedFix(applicability="safe", description=description, patch="--- a/x\n+++ b/x\n"),
    )
    plan = ReviewPlan(
        repository="o/r",
        pull_number=1,
        head_sha="a" * 40,
        base_sha="b" * 40,
        findings=[finding],
        errors=[PlannedError(path=path, line=1, message=message, kind="parse")],
    )
    links = ("https://github.com/tapfix/tapfix/blob/main/docs/rules/", "https://github.com/o/r/blob/")

    comment = comment_body(finding, with_suggestion=False)
    assert_inert(comment, links, {"diff": "--- a/x\n+++ b/x\n"})
    assert _shown(message) in "".join(rendered(comment).exposed).replace("\u200b", "")

    summary = summary_markdown(plan, SummaryState(), Links("https://github.com", "o/r", "a" * 40), MAX_BODY)
    assert_inert(summary, links)
    page = rendered(summary)
    codes = [c.replace("\u200b", "") for c in page.codes]
    assert f"{path}:3" in codes and f"{cause}:2" in codes and f"{path}:1" in codes and resource in codes
    exposed = "".join(page.exposed).replace("\u200b", "")
    assert _shown(message) in exposed and _shown(description) in exposed


def test_an_ordinary_pr_reads_cleanly_in_the_raw_comment_too(tmp_path):
    # What a quote-reply, the edit box, the API and plain-text e-mail show: no backslashes or
    # entities in addresses, paths and messages (outside the suggestion and patch blocks).
    sample = run_sample(tmp_path)
    bodies = [c["body"] for c in sample.fake.review_comments + sample.fake.issue_comments]
    raw = "\n".join(_without_fences(body) for body in bodies)
    assert "aws_s3_bucket.logs has no versioning: overwritten or deleted objects cannot be recovered" in raw
    assert "[`examples/aws-stack/s3.tf:6`](" in raw
    assert "\\" not in raw and "&#" not in raw and "&quot;" not in raw, raw
