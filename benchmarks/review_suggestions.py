"""What the review of a PR that adds the 1.3k-line one-file stack shows: per inline comment, a
suggestion (its lines and how many unchanged lines it copies back) or a patch, the suggestions that
share a line, the reviews posted, and how long the review took.

    python benchmarks/review_suggestions.py [--max-comments 100] [--runs 3]

The stack is tests/github/test_review_suggestions.py's `one_file_stack` (examples/aws-stack in one
file plus a renamed copy of its network); the PR runs through the action's entry point against the
fake GitHub of the tests, as docs/sample-review.md is made. Nothing reaches the network.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import itertools
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _copied(text: str, first: int, last: int, content: str) -> int:
    old = text.split("\n")[first - 1 : last]
    matcher = difflib.SequenceMatcher(None, old, content.split("\n"), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def main() -> None:
    import responses

    from bot.action_main import main as action
    from tests.github.conftest import action_env
    from tests.github.fake_github import FakeGitHub
    from tests.github.pr import changed_entries, pull_request_event, write_tree
    from tests.github.test_review_suggestions import PATH, one_file_stack

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-comments", default="100")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    text = one_file_stack()
    seconds = []
    for _ in range(args.runs):
        fake = FakeGitHub()
        fake.files = changed_entries({}, {PATH: text})
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(sys.stderr):
            env = action_env(
                Path(tmp),
                fake,
                write_tree(Path(tmp) / "ws", {PATH: text}),
                pull_request_event(fake),
                "pull_request",
                {"max-comments": args.max_comments},
            )
            with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
                fake.install(rsps)
                sleep, time.sleep = time.sleep, lambda s: None
                try:
                    start = time.perf_counter()
                    action([], env)
                    seconds.append(time.perf_counter() - start)
                finally:
                    time.sleep = sleep

    print(f"{text.count(chr(10))} lines, {len(fake.review_comments)} inline comments")
    spans = []
    for c in sorted(fake.review_comments, key=lambda c: c["line"]):
        rule = re.search(r"\*\*\[(TAP\d{3})\]", c["body"]).group(1)
        block = re.search(r"^(`{3,})suggestion\n(.*?)\n\1$", c["body"], re.S | re.M)
        first = c.get("start_line") or c["line"]
        if block:
            spans.append((first, c["line"]))
            copied = _copied(text, first, c["line"], block.group(2))
            print(f"  {rule} suggestion lines {first}-{c['line']}, {copied} unchanged lines copied back")
        else:
            kind = "patch" if "```diff" in c["body"] else "no fix"
            print(f"  {rule} {kind} at line {c['line']}")
    spans.sort()
    shared = sum(1 for a, b in itertools.pairwise(spans) if b[0] <= a[1])
    per_review = [
        sum(1 for c in fake.review_comments if c["pull_request_review_id"] == r["id"]) for r in fake.reviews
    ]
    print(f"suggestions: {len(spans)}, sharing a line with the next: {shared}")
    print(f"reviews: {per_review}")
    print(f"review seconds: {', '.join(f'{s:.2f}' for s in seconds)}")


if __name__ == "__main__":
    main()
