"""The `/tapfix` command line: the first line of a PR comment.

    /tapfix                     commit every safe, verified fix in the PR's changed files
    /tapfix TAP201 TAP211       only those rules (commas work too: TAP201,TAP211)
    /tapfix --unsafe            also unsafe fixes
    /tapfix diff [...]          reply with the patch, commit nothing
    /tapfix help                the commands

Anything else after `/tapfix` (a typo, an unknown rule) is answered with the help and nothing else.
A first line that does not start with the word `/tapfix` (`/tapfixes`, `please /tapfix`) is not a
command at all.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot import rule_catalog

COMMAND = "/tapfix"
_RULE_ID = re.compile(r"^TAP\d{3}$", re.IGNORECASE)
_MAX_SHOWN = 60  # of an unknown word echoed back


class Kind(StrEnum):
    FIX = "fix"
    DIFF = "diff"
    HELP = "help"


class Command(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Kind
    rules: tuple[str, ...] = ()  # empty: every rule the config enables
    unsafe: bool = False
    problem: tuple[str, str] | None = None  # why a command became help: ("unknown rule", word as typed)

    @property
    def text(self) -> str:
        """The command as tapfix understood it (for replies and the commit message)."""
        words = [COMMAND]
        if self.kind == Kind.DIFF:
            words.append("diff")
        words += list(self.rules)
        if self.unsafe:
            words.append("--unsafe")
        return " ".join(words)


def first_line(body: str | None) -> str:
    return (body or "").lstrip().split("\n", 1)[0].strip()


def parse(body: str | None) -> Command | None:
    """The command in a comment body, or None when the comment is not a `/tapfix` command."""
    words = first_line(body).split()
    if not words or words[0] != COMMAND:
        return None
    kind = Kind.FIX
    rules: list[str] = []
    unsafe = False
    known = rule_catalog.rule_ids()
    for word in (w for part in words[1:] for w in part.split(",") if w):
        lowered = word.lower()
        if lowered == "help":
            return Command(kind=Kind.HELP)
        if lowered == "diff":
            kind = Kind.DIFF
        elif lowered == "--unsafe":
            unsafe = True
        elif _RULE_ID.match(word) and word.upper() in known:
            if word.upper() not in rules:
                rules.append(word.upper())
        elif _RULE_ID.match(word):
            return Command(kind=Kind.HELP, problem=("unknown rule", word))
        else:
            return Command(kind=Kind.HELP, problem=("unknown sub-command", _shorten(word)))
    return Command(kind=kind, rules=tuple(rules), unsafe=unsafe)


def _shorten(word: str) -> str:
    return word if len(word) <= _MAX_SHOWN else word[: _MAX_SHOWN - 1] + "…"
