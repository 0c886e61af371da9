"""Putting text the user (or a pull request's author) controls into GitHub Markdown safely.

Everything tapfix echoes from a repository — paths, attribute values, resource names, messages
that quote them — goes through one of these functions, so nothing can open a link, ping a user
(`@someone`), reference an issue (`#123`), inject HTML, forge a hidden `<!-- tapfix ... -->`
marker, or break out of a code block.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~@:&\"']")
_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "&#64;", "#": "&#35;", "|": "&#124;", '"': "&quot;"}
# GitHub finds mentions, issue references and URLs in the text *after* rendering, when escapes and
# entities are decoded again (`&#64;name` is `@name` by then, and pings). A zero-width space right
# after the trigger breaks each pattern and changes nothing a reader sees.
_ZERO_WIDTH_SPACE = "\u200b"
_LINK_TRIGGERS = re.compile(
    r"(?<=@)(?=[A-Za-z0-9])|(?<=#)(?=\d)|(?<=\b[Gg][Hh]-)(?=\d)|(?<=:)(?=//)|(?<=\b[Ww]{3})(?=\.)"
)


def unlinked(text: str) -> str:
    """`text` with a zero-width space wherever GitHub would make a mention (`@name`), an issue
    reference (`#12`, `GH-12`, `owner/repo#12`, which also closes issues after "fixes"), or a link
    (`https://`, `www.`, an e-mail address). For plain text such as a commit message; `escape` does
    this too."""
    return _LINK_TRIGGERS.sub(_ZERO_WIDTH_SPACE, text)


def escape(text: str) -> str:
    """Inline text (a table cell, a sentence): no formatting, links, mentions, references or HTML."""
    text = unlinked(text.replace("\r", " ").replace("\n", " "))
    return _SPECIAL.sub(lambda m: _ENTITY.get(m.group(0), "\\" + m.group(0)), text)


def code(text: str) -> str:
    """An inline code span that cannot be closed early by backticks in `text`."""
    text = text.replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(content: str, info: str = "") -> str:
    """A fenced block one backtick longer than the longest backtick run in `content` (at least 3),
    so file content holding ``` cannot end it."""
    longest = max((len(run) for run in re.findall(r"`{3,}", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{ticks}{info}\n{body}{ticks}"


def cell_code(text: str) -> str:
    """An inline code span for a table cell: `code` plus the one escape GitHub honours inside a code
    span in a table, `\\|`, so a pipe in `text` cannot end the cell."""
    return code(text).replace("|", "\\|")
