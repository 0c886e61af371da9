"""The hidden markers that let a re-run recognise tapfix's own comments.

Every body tapfix posts starts with one HTML comment (invisible on GitHub):

    <!-- tapfix:v1 fp=0123456789abcdef -->        an inline comment for one finding
    <!-- tapfix:v1 fp=0123456789abcdef fixed -->  the same comment once its finding is gone
    <!-- tapfix:v1 summary -->                    the one summary comment
    <!-- tapfix:v1 review=<nonce> -->             a review's body (found again after a 5xx)

The fingerprint is `Finding.fingerprint` (rule, module, resource, key; never a line number), so
rebases and moved code keep it. A marker counts only at the very start of a body written by the
bot's own account: a PR author who pastes a marker into their comment, or file content quoted in
a code block, cannot make tapfix skip or edit anything.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

_PREFIX = "<!-- tapfix:v1 "
_MARKER = re.compile(
    r"\A<!-- tapfix:v1 (fp=(?P<fp>[0-9a-f]{16})(?P<state>(?: fixed| suppressed| moved)?)|summary|review=[0-9a-f]{8,32}) -->"
)

SUMMARY = f"{_PREFIX}summary -->"


def finding_marker(fingerprint: str, state: str = "") -> str:
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint), fingerprint
    return f"{_PREFIX}fp={fingerprint}{' ' + state if state else ''} -->"


def review_marker() -> str:
    return f"{_PREFIX}review={secrets.token_hex(8)} -->"


@dataclass(frozen=True)
class Marker:
    kind: str  # "finding", "summary" or "review"
    fingerprint: str = ""
    state: str = ""  # "" (open), "fixed", "suppressed" or "moved" (a newer comment replaced it)


def read_marker(body: str | None) -> Marker | None:
    match = _MARKER.match(body or "")
    if match is None:
        return None
    if match.group("fp"):
        return Marker("finding", match.group("fp"), (match.group("state") or "").strip())
    if match.group(0).startswith(SUMMARY):
        return Marker("summary")
    return Marker("review")


def is_own(login: str | None, bot_login: str) -> bool:
    return login is not None and login.lower() == bot_login.lower()
