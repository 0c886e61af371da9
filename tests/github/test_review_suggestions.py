"""The review of a PR that adds a 1.3k-line stack in one file: suggestions show only their change,
never share a line, each one is verified as GitHub commits it (alone, on the head file), and fixes
that change places far apart are shown as compact patches with the `/tapfix` command."""

from __future__ import annotations

import difflib
import itertools
import re
import time
from pathlib import Path

import pytest
import responses

from bot.action_main import main
from bot.github.diff import parse_file_diff
from bot.github.models import ChangedFile
from bot.github.plan import PlannedFinding, PlannedFix, planned_finding
from bot.github.render import comment_body
from bot.github.suggestion import MAX_COPIED_LINES
from fixers.config import Config, load_config
from fixers.engine import load, run_rules, verify_alone
from fixers.findings import Applicability, Fix, Severity, TextEdit
from fixers.terraform_check import new_problem
from fixers.workspace import ModuleInput
from tests.github.conftest import action_env
from tests.github.fake_github import FakeGitHub
from tests.github.pr import changed_entries, github_patch, pull_request_event, write_tree

STACK = Path(__file__).resolve().parents[2] / "examples" / "aws-stack"
PATH = "stack/main.tf"
_FINGERPRINT = re.compile(r"^<!-- tapfix:v1 fp=([0-9a-f]{16}) -->")
_RULE = re.compile(r"\*\*\[(TAP\d{3})\]")


def one_file_stack() -> str:
    """The example stack in one file, plus a renamed copy of its network (a staging VPC): 1,273
    lines, the shape of the stack the issue's PR added."""
    files = [p.read_text() for p in sorted(STACK.glob("*.tf"))]
    network = (STACK / "network.tf").read_text().split("}\n", 1)[1]  # without its locals block
    staging = re.sub(r'^resource "([^"]+)" "([^"]+)"', r'resource "\1" "\2_staging"', network, flags=re.M)
    return "\n".join([*files, staging.lstrip("\n")])


@pytest.fixture(scope="module")
def stack() -> str:
    text = one_file_stack()
    assert text.count("\n") > 1250
    return text


def _review(tmp_path: Path, text: str, **inputs: str) -> FakeGitHub:
    """The action on a PR that adds `text` as stack/main.tf (run once per module: a review of
    the stack takes seconds)."""
    fake = FakeGitHub()
    fake.files = changed_entries({}, {PATH: text})
    # The stack's own config: its tag policy, and the rules outside the default set it plants flaws for.
    workspace = write_tree(tmp_path / "ws", {PATH: text, ".tapfix.yml": (STACK / ".tapfix.yml").read_text()})
    env = action_env(tmp_path, fake, workspace, pull_request_event(fake), "pull_request", inputs)
    with (
        pytest.MonkeyPatch.context() as patch,
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
    ):
        patch.setattr(time, "sleep", lambda seconds: None)
        fake.install(rsps)
        assert main([], env) == 1
    assert fake.violations == [], fake.violations
    return fake


@pytest.fixture(scope="module")
def reviewed(stack, tmp_path_factory) -> FakeGitHub:
    return _review(tmp_path_factory.mktemp("all"), stack, **{"max-comments": "100"})


def _suggestion(comment: dict) -> str | None:
    match = re.search(r"^(`{3,})suggestion\n(.*?)\n\1$", comment["body"], re.S | re.M)
    return match.group(2) if match else None


def _span(comment: dict) -> tuple[int, int]:
    return comment.get("start_line") or comment["line"], comment["line"]


def _committed(text: str, comment: dict) -> str:
    """The file after "Commit suggestion": GitHub replaces the commented lines with the block."""
    lines = text.split("\n")
    first, last = _span(comment)
    lines[first - 1 : last] = _suggestion(comment).split("\n")
    return "\n".join(lines)


def _copied(text: str, comment: dict) -> int:
    first, last = _span(comment)
    old = text.split("\n")[first - 1 : last]
    matcher = difflib.SequenceMatcher(None, old, _suggestion(comment).split("\n"), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _by_rule(comments: list[dict], rule: str) -> list[dict]:
    return [c for c in comments if _RULE.search(c["body"]).group(1) == rule]


def test_suggestions_copy_back_few_lines_and_never_share_one(reviewed, stack):
    fake = reviewed
    suggestions = [c for c in fake.review_comments if _suggestion(c) is not None]
    assert len(suggestions) >= 15 and len(fake.review_comments) == 35
    assert max(_copied(stack, c) for c in suggestions) <= MAX_COPIED_LINES <= 10
    spans = sorted(_span(c) for c in suggestions)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), spans


def test_each_suggestion_committed_alone_parses_fixes_its_finding_and_adds_none(reviewed, stack):
    config, _ = load_config(STACK / ".tapfix.yml")  # what the review ran with
    module = ModuleInput(path="stack", files={PATH: stack.encode()})
    head = load(module)
    findings = {f.fingerprint: f for f in run_rules(head.module, config)[0]}
    baseline = {f.identity for f in findings.values()}
    source = head.parsed[PATH].source

    checked = 0
    for c in reviewed.review_comments:
        if _suggestion(c) is None:
            continue
        text = _committed(stack, c)
        after = load(ModuleInput(path="stack", files={PATH: text.encode()}))
        assert after.module.errors == [], c["body"]
        # what terraform validate checks, in process: names once, references resolve, schema
        assert new_problem(head.module, after.module) is None, c["body"]
        left = {f.identity for f in run_rules(after.module, config)[0]}
        finding = findings[_FINGERPRINT.match(c["body"]).group(1)]
        assert finding.identity not in left and left <= baseline, c["body"]
        # and tapfix's own verification, given the suggestion as the one edit GitHub makes
        first, last = _span(c)
        edit = TextEdit(
            path=PATH, start=source.line_start(first), end=source.line_end(last), new_text=_suggestion(c)
        )
        alone = finding.model_copy(update={"fix": finding.fix.model_copy(update={"edits": (edit,)})})
        assert verify_alone(head, alone, baseline, config) is None, c["body"]
        checked += 1
    assert checked >= 15


_DECLARED = re.compile(r'^(resource|data) "([^"]+)" "([^"]+)"|^(variable|output) "([^"]+)"', re.M)


@pytest.mark.slow
def test_suggestions_committed_in_batches_pass_terraform_validate(reviewed, stack, hcl_reference):
    """ "Add suggestion to batch" on every suggestion, since none shares a line; suggestions that
    declare the same new name go to separate batches (choosing names against each other is the
    verification's part, not the review's). A terraform run per batch, not per suggestion: its
    harness takes seconds per 1.3k-line module."""
    batches: list[tuple[str, set]] = []
    suggestions = [c for c in reviewed.review_comments if _suggestion(c) is not None]
    for c in sorted(suggestions, key=lambda c: -c["line"]):  # bottom up: line numbers above hold
        names = set(_DECLARED.findall(_suggestion(c))) - set(_DECLARED.findall(stack))
        at = next((i for i, (_, taken) in enumerate(batches) if not names & taken), len(batches))
        if at == len(batches):
            batches.append((stack, set()))
        text, taken = batches[at]
        batches[at] = (_committed(text, c), taken | names)
    assert len(batches) <= 3
    results = hcl_reference.terraform_validate(
        {f"batch-{i}": {"main.tf": t} for i, (t, _) in enumerate(batches)}
    )
    assert {name: r.errors for name, r in results.items() if not r.ok} == {}


def test_fixes_of_places_far_apart_are_compact_patches_with_their_command(reviewed):
    """The issue's three: a flow log after the VPC plus a statement in the bucket policy hundreds
    of lines below (TAP306), the CloudWatch agent in a launch template and its role (TAP302), a
    principal and the data source it now reads (TAP204)."""
    fake = reviewed

    for rule, command in (
        ("TAP306", "/tapfix TAP306"),
        ("TAP302", "/tapfix TAP302 --unsafe"),
        ("TAP204", "/tapfix TAP204"),
    ):
        comments = _by_rule(fake.review_comments, rule)
        assert comments, rule
        for c in comments:
            assert _suggestion(c) is None and c.get("start_line") is None
            patch = c["body"].split("```diff\n", 1)[1].split("\n```", 1)[0]
            for hunk in re.split(r"^@@ .* @@$", patch, flags=re.M)[1:]:
                rows = hunk.strip("\n").split("\n")
                changed = [i for i, row in enumerate(rows) if row[:1] in "+-"]
                # three lines of context around the change, not the region between the places
                assert changed[0] <= 3 and len(rows) - 1 - changed[-1] <= 3, (rule, hunk)
                runs = [b - a - 1 for a, b in itertools.pairwise(changed)]
                assert max(runs, default=0) <= 6, (rule, hunk)
            assert f"Comment `{command}` to commit it" in c["body"]


def test_flow_log_patch_inserts_after_the_vpc_and_extends_the_bucket_policy(reviewed):
    fake = reviewed
    [main_vpc] = [c for c in _by_rule(fake.review_comments, "TAP306") if "aws_vpc.main " in c["body"]]
    patch = main_vpc["body"].split("```diff\n", 1)[1]
    first, second = [int(m) for m in re.findall(r"^@@ -(\d+)", patch, flags=re.M)][:2]
    assert second - first > 300  # the two places the old suggestion spanned, with all between them
    assert '+resource "aws_flow_log" "main"' in patch and '+        Sid       = "VPCFlowLogsWrite"' in patch


def test_a_25_comment_review_is_one_review(stack, tmp_path):
    fake = _review(tmp_path, stack)  # max-comments defaults to 25

    assert len(fake.review_comments) == 25
    assert len(fake.reviews) == 1


def test_reviews_are_split_only_above_30_comments(reviewed):
    fake = reviewed

    per_review = [
        sum(1 for c in fake.review_comments if c["pull_request_review_id"] == r["id"]) for r in fake.reviews
    ]
    assert per_review == [30, 5]


# --- a suggestion valid only with other edits ------------------------------------------------------

BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def _planned(text: str, finding, verify):
    diff = parse_file_diff(ChangedFile(filename="s3.tf", status="added", patch=github_patch("", text)))
    return planned_finding(finding, "new", None, {"s3.tf": text.encode()}, {"s3.tf": diff}, verify)


def test_suggestion_that_does_not_fix_its_finding_alone_is_shown_as_a_patch():
    loaded = load(ModuleInput(path=".", files={"s3.tf": BUCKET.encode()}))
    config = Config(select=["TAP201"])
    [finding], _ = run_rules(loaded.module, config)
    baseline = {finding.identity}

    def verify(f):
        return verify_alone(loaded, f, baseline, config)

    good = _planned(BUCKET, finding, verify)
    assert good.fix.suggestion is not None and good.fix.patch

    # The same finding with only the first half of its fix: the versioning resource, suspended.
    [insert] = finding.fix.edits
    half = insert.model_copy(update={"new_text": insert.new_text.replace('"Enabled"', '"Suspended"')})
    partial = finding.model_copy(update={"fix": Fix.safe("half of the fix", half)})
    shown = _planned(BUCKET, partial, verify)
    assert shown.fix.suggestion is None and '+    status = "Suspended"' in shown.fix.patch
    assert verify(partial) == "the finding would remain after the edit"


@pytest.mark.parametrize(
    ("applicability", "line"),
    [
        (Applicability.SAFE, "Comment `/tapfix TAP201` to commit it"),
        (Applicability.UNSAFE, "Comment `/tapfix TAP201 --unsafe` to commit it"),
        (Applicability.DISPLAY_ONLY, "tapfix does not apply this fix: edit the file by hand."),
    ],
)
def test_a_patch_says_which_command_commits_it(applicability, line):
    patch = "--- a/s3.tf\n+++ b/s3.tf\n@@ -3 +3,2 @@\n }\n+x\n"
    finding = PlannedFinding(
        path="s3.tf",
        fingerprint="0123456789abcdef",
        rule_id="TAP201",
        severity=Severity.HIGH,
        line=1,
        end_line=3,
        message="m",
        status="new",
        fix=PlannedFix(applicability=applicability, description="d", patch=patch),
    )
    body = comment_body(finding, with_suggestion=True)
    assert f"```diff\n{patch}```\n\n{line}" in body
    assert ("`/tapfix" in body) is (applicability is not Applicability.DISPLAY_ONLY)
